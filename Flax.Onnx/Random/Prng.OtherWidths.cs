using System.Runtime.InteropServices;

namespace Flax;

public static partial class Prng
{
    /// <summary>64-bit bits: <c>(y0 &lt;&lt; 32) | y1</c>.</summary>
    private static void FillBits64(PrngKey key, byte[] buffer) =>
        BlockRunner.Words(key, buffer.LongLength / 8, (start, y0, y1) =>
        {
            var output = MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan()).Slice((int)start, y0.Length);
            for (int j = 0; j < output.Length; j++) output[j] = ((ulong)y0[j] << 32) | y1[j];
        });

    /// <summary>8- or 16-bit bits: the low bits of <c>y0 ^ y1</c>.</summary>
    private static void FillNarrowBits(PrngKey key, byte[] buffer, int bitWidth)
    {
        int itemSize = bitWidth / 8;
        BlockRunner.Words(key, buffer.LongLength / itemSize, (start, y0, y1) =>
        {
            if (itemSize == 1)
            {
                var output = buffer.AsSpan((int)start, y0.Length);
                for (int j = 0; j < output.Length; j++) output[j] = (byte)(y0[j] ^ y1[j]);
            }
            else
            {
                var output = MemoryMarshal.Cast<byte, ushort>(buffer.AsSpan()).Slice((int)start, y0.Length);
                for (int j = 0; j < output.Length; j++) output[j] = (ushort)(y0[j] ^ y1[j]);
            }
        });
    }

    /// <summary>float64 uniform from 64-bit bits: <c>max(min, fma(f, max - min, min)) * scale</c> with <c>f</c> from
    /// <see cref="Unit64"/>.</summary>
    private static void FillUniform64(PrngKey key, byte[] buffer, double min, double max, double scale)
    {
        double range = max - min;
        FillFloat64(key, buffer, f => Math.Max(min, Math.FusedMultiplyAdd(f, range, min)) * scale);
    }

    /// <summary>
    /// float16 / bfloat16 uniform. JAX draws 16 bits for float16 (10 mantissa bits) and 8 bits widened to uint16 for
    /// bfloat16 (7 mantissa bits), shifts them under the exponent of 1.0 and subtracts 1; every later step is rounded to
    /// the dtype (float32 arithmetic rounded once per operation gives the same values).
    /// </summary>
    private static void FillUniform16(PrngKey key, byte[] buffer, DType dtype, double minval, double maxval, double scale)
    {
        bool half = dtype == DType.Float16;
        float min = Round16(dtype, (float)minval), max = Round16(dtype, (float)maxval), factor = Round16(dtype, (float)scale);
        float range = Round16(dtype, max - min);
        BlockRunner.Words(key, buffer.LongLength / 2, (start, y0, y1) =>
        {
            var output = MemoryMarshal.Cast<byte, ushort>(buffer.AsSpan()).Slice((int)start, y0.Length);
            for (int j = 0; j < output.Length; j++)
            {
                uint bits = y0[j] ^ y1[j];
                float f = half
                    ? (float)BitConverter.UInt16BitsToHalf((ushort)(((bits & 0xFFFF) >> 6) | 0x3C00)) - 1f
                    : (float)new BFloat16((ushort)(((bits & 0xFF) >> 1) | 0x3F80)) - 1f;
                float u = MathF.Max(min, Round16(dtype, MathF.FusedMultiplyAdd(f, range, min)));
                output[j] = Bits16(dtype, Round16(dtype, u * factor));
            }
        });
    }

    private static float Round16(DType dtype, float value) =>
        dtype == DType.Float16 ? (float)(Half)value : (float)(BFloat16)value;

    private static ushort Bits16(DType dtype, float value) =>
        dtype == DType.Float16 ? BitConverter.HalfToUInt16Bits((Half)value) : ((BFloat16)value).Bits;
}
