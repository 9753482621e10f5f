namespace Flax;

/// <summary>
/// The <c>jax.random</c> samplers for threefry2x32 keys under JAX's default <c>jax_threefry_partitionable=True</c>.
/// Element <c>i</c> (flat C order) of every result depends only on the key and <c>i</c>. float32 results match XLA on CPU:
/// bits and uniform exactly, normal and truncated normal to the last bit in all known cases (<c>jax/_src/random.py</c>).
/// float64 (as with <c>jax_enable_x64</c>) draws 64-bit bits and follows XLA's float64 <c>erf_inv</c> (see
/// <see cref="XlaMath64"/>); those samplers run scalar per element. Large arrays are generated with SIMD over all cores.
/// </summary>
public static partial class Prng
{
    /// <summary>
    /// <c>jax.random.bits(key, shape, dtype=uint{bitWidth})</c>: uniformly random unsigned integers. Element <c>i</c> is
    /// built from <c>(y0, y1) = threefry2x32(key, hi32(i), lo32(i))</c>: <c>y0 ^ y1</c> for 32 bits (its low 8 or 16 bits
    /// for narrower widths), <c>(y0 &lt;&lt; 32) | y1</c> for 64 bits.
    /// </summary>
    /// <param name="key">The PRNG key.</param>
    /// <param name="shape">The output shape.</param>
    /// <param name="bitWidth">8, 16, 32 or 64: the dtype is UInt8, UInt16, UInt32 or UInt64.</param>
    /// <returns>A new array of unsigned integers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">The bit width is not supported, or the shape has a negative dimension.</exception>
    public static NDArray Bits(PrngKey key, int[] shape, int bitWidth = 32)
    {
        var dtype = bitWidth switch
        {
            8 => DType.UInt8,
            16 => DType.UInt16,
            32 => DType.UInt32,
            64 => DType.UInt64,
            _ => throw new ArgumentException($"requires 8-, 16-, 32- or 64-bit field width, got {bitWidth}.", nameof(bitWidth)),
        };
        var buffer = Allocate(shape, dtype);
        switch (bitWidth)
        {
            case 32: BlockRunner.Map(key, buffer, new BitsMap()); break;
            case 64: FillBits64(key, buffer); break;
            default: FillNarrowBits(key, buffer, bitWidth); break;
        }
        return NDArray.FromBytes(dtype, shape, buffer);
    }

    /// <summary>
    /// <c>jax.random.uniform(key, shape, dtype, minval, maxval)</c>: floats in [minval, maxval). The bounds are first
    /// rounded to <paramref name="dtype"/>; float32 gives <c>max(minval, fma(f, maxval - minval, minval))</c> with
    /// <c>f = bitcast((bits &gt;&gt; 9) | 0x3F800000) - 1</c>. float64 uses 64-bit bits, float16 16 and bfloat16 8.
    /// </summary>
    /// <param name="key">The PRNG key.</param>
    /// <param name="shape">The output shape.</param>
    /// <param name="dtype">A float dtype.</param>
    /// <param name="minval">The inclusive lower bound.</param>
    /// <param name="maxval">The exclusive upper bound.</param>
    /// <returns>A new array of <paramref name="dtype"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a float dtype, or the shape has a negative dimension.</exception>
    public static NDArray Uniform(PrngKey key, int[] shape, DType dtype = DType.Float32, double minval = 0, double maxval = 1) =>
        Uniform(key, shape, dtype, minval, maxval, scale: 1);

    /// <summary>
    /// <c>jax.random.normal(key, shape, dtype)</c>: standard normal floats, <c>√2 · erf_inv(u)</c> with <c>u</c> uniform in
    /// <c>[nextafter(-1, 0), 1)</c>.
    /// </summary>
    /// <param name="key">The PRNG key.</param>
    /// <param name="shape">The output shape.</param>
    /// <param name="dtype">Float32 or Float64 (float16 and bfloat16 are not ported).</param>
    /// <returns>A new array of <paramref name="dtype"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a float dtype, or the shape has a negative dimension.</exception>
    /// <exception cref="NotSupportedException"><paramref name="dtype"/> is Float16 or BFloat16.</exception>
    public static NDArray Normal(PrngKey key, int[] shape, DType dtype = DType.Float32) => Normal(key, shape, dtype, scale: 1);

    /// <summary>
    /// <c>jax.random.truncated_normal(key, lower, upper, shape, dtype)</c>: standard normal floats restricted to
    /// (lower, upper), by inverting the CDF: <c>√2 · erf_inv(u)</c> with <c>u</c> uniform in
    /// <c>[erf(lower/√2), erf(upper/√2))</c>, clipped to the open interval.
    /// </summary>
    /// <param name="key">The PRNG key.</param>
    /// <param name="lower">The lower bound (rounded to <paramref name="dtype"/>).</param>
    /// <param name="upper">The upper bound (rounded to <paramref name="dtype"/>).</param>
    /// <param name="shape">The output shape.</param>
    /// <param name="dtype">Float32 or Float64 (float16 and bfloat16 are not ported).</param>
    /// <returns>A new array of <paramref name="dtype"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a float dtype, or the shape has a negative dimension.</exception>
    /// <exception cref="NotSupportedException"><paramref name="dtype"/> is Float16 or BFloat16.</exception>
    public static NDArray TruncatedNormal(PrngKey key, double lower, double upper, int[] shape, DType dtype = DType.Float32) =>
        TruncatedNormal(key, lower, upper, shape, dtype, scale: 1);

    /// <summary>
    /// <c>jax.random.bernoulli(key, p, shape)</c>: true with probability <paramref name="p"/>, computed as
    /// <c>uniform(key, shape, float32) &lt; (float)p</c> (the <c>mode='low'</c> default).
    /// </summary>
    /// <param name="key">The PRNG key.</param>
    /// <param name="p">The probability of true.</param>
    /// <param name="shape">The output shape.</param>
    /// <returns>A new Bool array.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">The shape has a negative dimension.</exception>
    public static NDArray Bernoulli(PrngKey key, double p, int[] shape)
    {
        var uniform = Uniform(key, shape, DType.Float32).Span<float>();
        float threshold = (float)p;
        var mask = new byte[uniform.Length];
        for (int i = 0; i < mask.Length; i++) mask[i] = uniform[i] < threshold ? (byte)1 : (byte)0;
        return NDArray.FromBytes(DType.Bool, shape, mask);
    }

    /// <summary><see cref="Uniform(PrngKey, int[], DType, double, double)"/> times <paramref name="scale"/> (already
    /// rounded to <paramref name="dtype"/>), multiplied in <paramref name="dtype"/> arithmetic.</summary>
    internal static NDArray Uniform(PrngKey key, int[] shape, DType dtype, double minval, double maxval, double scale)
    {
        RequireFloat(dtype, "uniform", "a float dtype");
        var buffer = Allocate(shape, dtype);
        switch (dtype)
        {
            case DType.Float32:
                float min = (float)minval;
                BlockRunner.Map(key, buffer, new UniformMap(min, (float)maxval - min, (float)scale));
                break;
            case DType.Float64: FillUniform64(key, buffer, minval, maxval, scale); break;
            default: FillUniform16(key, buffer, dtype, minval, maxval, scale); break;
        }
        return NDArray.FromBytes(dtype, shape, buffer);
    }

    /// <summary><see cref="Normal(PrngKey, int[], DType)"/> times <paramref name="scale"/> (in <paramref name="dtype"/>).</summary>
    internal static NDArray Normal(PrngKey key, int[] shape, DType dtype, double scale)
    {
        RequireErfInvPorted(dtype, "normal", "a float or complex dtype");
        var buffer = Allocate(shape, dtype);
        if (dtype == DType.Float64) FillNormal64(key, buffer, scale);
        else BlockRunner.Map(key, buffer, new NormalMap((float)scale));
        return NDArray.FromBytes(dtype, shape, buffer);
    }

    /// <summary><see cref="TruncatedNormal(PrngKey, double, double, int[], DType)"/> times <paramref name="scale"/> (in <paramref name="dtype"/>).</summary>
    internal static NDArray TruncatedNormal(PrngKey key, double lower, double upper, int[] shape, DType dtype, double scale)
    {
        RequireErfInvPorted(dtype, "truncated_normal", "a float dtype");
        if (dtype == DType.Float64)
        {
            var doubles = Allocate(shape, dtype);
            FillTruncatedNormal64(key, doubles, lower, upper, scale);
            return NDArray.FromBytes(dtype, shape, doubles);
        }
        float lo = (float)lower, hi = (float)upper;
        float a = XlaMath.Erf(lo / XlaMath.Sqrt2), b = XlaMath.Erf(hi / XlaMath.Sqrt2);
        var map = new TruncatedNormalMap(a, b - a, MathF.BitIncrement(lo), MathF.BitDecrement(hi), (float)scale);
        var buffer = Allocate(shape, dtype);
        BlockRunner.Map(key, buffer, map);
        return NDArray.FromBytes(dtype, shape, buffer);
    }

    /// <summary>An output buffer; not zeroed, since the kernels write every byte.</summary>
    private static byte[] Allocate(int[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return GC.AllocateUninitializedArray<byte>((int)(NDArray.CheckedSize(shape, dtype.ItemSize()) * dtype.ItemSize()));
    }

    private static void RequireFloat(DType dtype, string sampler, string expected)
    {
        if (!dtype.IsFloat())
            throw new ArgumentException($"dtype argument to `{sampler}` must be {expected}, got {dtype.Name()}", nameof(dtype));
    }

    private static void RequireErfInvPorted(DType dtype, string sampler, string expected)
    {
        RequireFloat(dtype, sampler, expected);
        if (dtype is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"jax.random.{sampler} is ported for float32 and float64 only, got {dtype.Name()}: XLA computes erf_inv for other dtypes in ways this port does not reproduce bit for bit.");
    }
}
