namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// The default of <see cref="ScanUnrollThreshold"/>, 4. Measured on ONNX Runtime 1.31 (CPU) with an LSTM of 8 -> 16
    /// and 64 -> 128 units at batch 1 and 16 (<c>dotnet run -c Release --project tests/Flax.Benchmarks -- scan</c>):
    /// one <c>Scan</c> runs as fast as the unrolled steps up to 4 steps and faster from 8 (0.64 against 1.04 ms at 128
    /// steps), while creating a session for the unrolled graph grows from about 10 ms at 4 steps to 4 s at 128 (the
    /// <c>Scan</c> graph: under 35 ms at every length). Up to 4 steps the unrolled form costs nothing and spares the
    /// reverse pass the second forward scan.
    /// </summary>
    public const int DefaultScanUnrollThreshold = TraceOptions.DefaultScanUnrollThreshold;

    /// <summary>
    /// The longest <see cref="Scan"/> that is unrolled (one copy of the body per step); a longer one is traced once and
    /// recorded as one <c>scan</c> equation, exported as one ONNX <c>Scan</c> node. Not part of Flax (whose
    /// <c>unroll</c> groups steps inside XLA's loop): an unrolled ONNX graph grows with the length and ONNX Runtime takes
    /// ever longer to load it, while a <c>Scan</c> stays one body; the default (<see cref="DefaultScanUnrollThreshold"/>)
    /// is where the measured costs cross. 0 always emits a <c>Scan</c>; <see cref="int.MaxValue"/> always unrolls. Scans
    /// that create variables (<c>Core.Init</c>), whose body is traced per step (split PRNG sequences that draw keys), or
    /// that slice no value (a <c>length</c> with every input broadcast) are always unrolled; <c>vmap</c> of a
    /// <c>Scan</c> unrolls it, and the reverse pass of a <c>Scan</c> is two more <c>Scan</c>s. Process-wide; set it
    /// before tracing (a traced or jitted function keeps the form it was traced with).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public static int ScanUnrollThreshold
    {
        get => TraceOptions.ScanUnrollThreshold;
        set => TraceOptions.ScanUnrollThreshold = value;
    }

    /// <summary>Pins <see cref="ScanUnrollThreshold"/> for the calling async context (parallel tests) until the
    /// returned scope is disposed.</summary>
    internal static IDisposable PinScanUnrollThreshold(int threshold) => TraceOptions.PinScanUnrollThreshold(threshold);
}
