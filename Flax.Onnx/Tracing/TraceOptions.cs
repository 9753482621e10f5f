namespace Flax;

/// <summary>
/// Process-wide settings that change what tracing records, kept below the folders that read them: the lifted
/// transforms set them (<c>Lift.ScanUnrollThreshold</c>) and the jit caches key on them, so a program traced
/// under one setting never serves another.
/// </summary>
internal static class TraceOptions
{
    /// <summary>The value behind <c>Lift.DefaultScanUnrollThreshold</c> (measured there).</summary>
    internal const int DefaultScanUnrollThreshold = 4;

    private static int s_scanUnrollThreshold = DefaultScanUnrollThreshold;
    private static readonly AsyncLocal<int?> s_pinnedScanUnrollThreshold = new();

    /// <summary>The value behind <c>Lift.ScanUnrollThreshold</c>: the pinned one of this async context, else the
    /// process-wide one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    internal static int ScanUnrollThreshold
    {
        get => s_pinnedScanUnrollThreshold.Value ?? Volatile.Read(ref s_scanUnrollThreshold);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref s_scanUnrollThreshold, value);
        }
    }

    /// <summary>Pins <see cref="ScanUnrollThreshold"/> for the calling async context until the returned scope is
    /// disposed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is negative.</exception>
    internal static IDisposable PinScanUnrollThreshold(int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        var previous = s_pinnedScanUnrollThreshold.Value;
        s_pinnedScanUnrollThreshold.Value = threshold;
        return new PinnedThreshold(previous);
    }

    private sealed class PinnedThreshold(int? previous) : IDisposable
    {
        public void Dispose() => s_pinnedScanUnrollThreshold.Value = previous;
    }
}
