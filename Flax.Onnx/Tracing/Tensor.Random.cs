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
}
