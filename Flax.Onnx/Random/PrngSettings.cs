using System.Runtime.Intrinsics;

namespace Flax;

/// <summary>
/// How the samplers run: the widest vector width they may use and how many threads may share one array. Results never
/// depend on either (every element is a function of the key and its flat index). Tests and benchmarks pin a setting for
/// the code that runs inside a <see cref="Use"/> scope; it flows with the async context, so parallel tests don't interfere.
/// </summary>
/// <param name="VectorBits">The widest vectors to use: 512, 256, 128, or 0 for the scalar path.</param>
/// <param name="Threads">The most threads for one array (at least 1).</param>
internal sealed record PrngSettings(int VectorBits, int Threads)
{
    private static readonly AsyncLocal<PrngSettings?> Pinned = new();

    /// <summary>The widest accelerated vectors and every core.</summary>
    public static PrngSettings Default { get; } = new(
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0,
        Environment.ProcessorCount);

    /// <summary>The setting in force for the calling context.</summary>
    public static PrngSettings Current => Pinned.Value ?? Default;

    /// <summary>Pins <paramref name="settings"/> until the returned scope is disposed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The width is not 0, 128, 256 or 512, or the thread count is below 1.</exception>
    /// <exception cref="NotSupportedException">The CPU lacks the requested vector width.</exception>
    public static IDisposable Use(PrngSettings settings)
    {
        if (settings.VectorBits is not (0 or 128 or 256 or 512))
            throw new ArgumentOutOfRangeException(nameof(settings), settings.VectorBits, "The vector width must be 0, 128, 256 or 512 bits.");
        bool accelerated = settings.VectorBits switch
        {
            512 => Vector512.IsHardwareAccelerated,
            256 => Vector256.IsHardwareAccelerated,
            128 => Vector128.IsHardwareAccelerated,
            _ => true,
        };
        if (!accelerated)
            throw new NotSupportedException($"This CPU has no accelerated {settings.VectorBits}-bit vectors.");
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Threads, 1);
        var previous = Pinned.Value;
        Pinned.Value = settings;
        return new Scope(previous);
    }

    private sealed class Scope(PrngSettings? previous) : IDisposable
    {
        public void Dispose() => Pinned.Value = previous;
    }
}
