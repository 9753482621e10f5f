using System.Runtime.InteropServices;

namespace Flax;

public static partial class Prng
{
    /// <summary><c>np.nextafter(-1.0, 0.0)</c>, the lower bound of <c>normal</c>'s uniform; <c>1 - it</c> rounds to 2.</summary>
    private const double NormalLow64 = -0.99999999999999989;

    /// <summary>float64 normal times <paramref name="scale"/>: <c>√2 · erf_inv(max(lo, fma(f, 1 - lo, lo)))</c> with
    /// <c>lo = nextafter(-1, 0)</c> and <c>f</c> from 64-bit bits (exact, in [-1 + 2^-53, 1)).</summary>
    private static void FillNormal64(PrngKey key, byte[] buffer, double scale) =>
        FillFloat64(key, buffer, f => XlaMath64.Sqrt2 * XlaMath64.ErfInv(Math.Max(NormalLow64, Math.FusedMultiplyAdd(f, 1 - NormalLow64, NormalLow64))) * scale);

    /// <summary>
    /// float64 truncated normal times <paramref name="scale"/>: <c>a = erf(lower/√2)</c>, <c>b = erf(upper/√2)</c>,
    /// <c>u = max(a, fma(f, b - a, a))</c>, then <c>√2 · erf_inv(u)</c> clipped to <c>[nextUp(lower), nextDown(upper)]</c>.
    /// </summary>
    private static void FillTruncatedNormal64(PrngKey key, byte[] buffer, double lower, double upper, double scale)
    {
        double a = Erf64.Erf(lower / XlaMath64.Sqrt2), b = Erf64.Erf(upper / XlaMath64.Sqrt2), range = b - a;
        double low = Math.BitIncrement(lower), high = Math.BitDecrement(upper);
        FillFloat64(key, buffer, f =>
        {
            double normal = XlaMath64.Sqrt2 * XlaMath64.ErfInv(Math.Max(a, Math.FusedMultiplyAdd(f, range, a)));
            return Math.Min(Math.Max(normal, low), high) * scale;
        });
    }

    /// <summary>Fills <paramref name="buffer"/> (read as float64) with <c>sample(f)</c>, where
    /// <c>f = bitcast((bits &gt;&gt; 12) | 0x3FF0000000000000) - 1</c> is in [0, 1) from the 64-bit bits of each index.</summary>
    private static void FillFloat64(PrngKey key, byte[] buffer, Func<double, double> sample) =>
        BlockRunner.Words(key, buffer.LongLength / 8, (start, y0, y1) =>
        {
            var output = MemoryMarshal.Cast<byte, double>(buffer.AsSpan()).Slice((int)start, y0.Length);
            for (int j = 0; j < output.Length; j++) output[j] = sample(Unit64(y0[j], y1[j]));
        });

    /// <summary>A float64 in [0, 1) from the top 52 of the 64 bits <c>(y0 &lt;&lt; 32) | y1</c> (exact).</summary>
    private static double Unit64(uint y0, uint y1) =>
        BitConverter.UInt64BitsToDouble(((((ulong)y0 << 32) | y1) >> 12) | 0x3FF0000000000000UL) - 1.0;
}
