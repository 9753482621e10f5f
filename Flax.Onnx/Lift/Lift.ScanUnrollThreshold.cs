namespace Flax;

public static partial class Lift
{
    private static int s_scanUnrollThreshold = DefaultScanUnrollThreshold;
    private static readonly AsyncLocal<int?> s_pinnedScanUnrollThreshold = new();

    /// <summary>The default of <see cref="ScanUnrollThreshold"/>: see there for how it was measured.</summary>
    public const int DefaultScanUnrollThreshold = 16;

    /// <summary>
    /// The longest <see cref="Scan"/> that is unrolled (one copy of the body per step); a longer one with a scanned
    /// input is traced once and recorded as one <c>scan</c> equation, exported as one ONNX <c>Scan</c> node. Not part
    /// of Flax (whose <c>unroll</c> groups steps inside XLA's loop): ONNX Runtime pays a fixed cost per iteration of
    /// <c>Scan</c>/<c>Loop</c>, which short loops feel, while unrolled graphs grow and take longer to load as the
    /// length grows; the default (<see cref="DefaultScanUnrollThreshold"/>) is where the measured costs cross (README,
    /// "Scan"). 0 always emits a <c>Scan</c>; <see cref="int.MaxValue"/> always unrolls. Scans that create variables
    /// (<c>Core.Init</c>), whose body is traced per step (split PRNG sequences that draw keys), or whose only scanned
    /// values are none (a <c>length</c> with no scanned input) are always unrolled; <c>vmap</c> of a <c>Scan</c>
    /// unrolls it, and the reverse pass of a <c>Scan</c> recomputes its steps unrolled.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public static int ScanUnrollThreshold
    {
        get => s_pinnedScanUnrollThreshold.Value ?? Volatile.Read(ref s_scanUnrollThreshold);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref s_scanUnrollThreshold, value);
        }
    }

    /// <summary>Pins <see cref="ScanUnrollThreshold"/> for the calling async context (parallel tests) until the
    /// returned scope is disposed.</summary>
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
