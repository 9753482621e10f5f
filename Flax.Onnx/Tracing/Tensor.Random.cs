namespace Flax;

public sealed partial class Tensor
{
    /// <summary>
    /// <c>jax.random.fold_in(key, data)</c> on traced keys: this uint32 key tensor <c>[..., 2]</c> with
    /// <paramref name="data"/> (int32, int64 or uint32 <c>[...]</c>, taken modulo 2^32). Bit-exact with
    /// <see cref="PrngKey.FoldIn(uint)"/>.
    /// </summary>
    internal Tensor FoldIn(Tensor data) => Bind(Primitive.FoldIn, EqnParams.None, this, data);

    /// <summary>
    /// Partitionable <c>jax.random.bits(key, shape, uint32)</c> on this uint32 key tensor <c>[K..., 2]</c>: uint32
    /// <c>[K..., shape...]</c>, bit-exact with <see cref="Prng.Bits(PrngKey, int[], int)"/> per key.
    /// </summary>
    internal Tensor RandomBits(params int[] shape) => Bind(Primitive.RandomBits, new RandomBitsParams([.. shape]), this);

    /// <summary>
    /// <c>jax.random.bernoulli(key, p, shape)</c> on this uint32 key tensor <c>(2,)</c>: bool <paramref name="shape"/>,
    /// bit-exact with <see cref="Prng.Bernoulli"/>. JAX compares <c>uniform = bitcast((bits &gt;&gt; 9) | 0x3F800000) - 1</c>
    /// (exactly <c>(bits &gt;&gt; 9) * 2^-23</c>) with <c>float32(p)</c>; for an integer <c>m = bits &gt;&gt; 9</c>,
    /// <c>m * 2^-23 &lt; t</c> holds iff <c>bits &lt; 512 * ceil(t * 2^23)</c>, compared in int64 without shifts or bitcasts.
    /// </summary>
    internal Tensor Bernoulli(double p, int[] shape)
    {
        long bound = 512L * (long)Math.Ceiling((double)(float)p * 8388608.0);
        return RandomBits(shape).Cast(DType.Int64) < (Tensor)NDArray.Scalar(bound);
    }
}
