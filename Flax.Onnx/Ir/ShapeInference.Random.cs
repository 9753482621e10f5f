using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class ShapeInference
{
    /// <summary><c>fold_in</c>: a uint32 key <c>[..., 2]</c> and int data <c>[...]</c>, leading axes broadcast.</summary>
    private static TensorType FoldIn(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.FoldIn;
        NoParams(p, prm);
        Arity(p, ins, 2);
        var key = Key(p, ins[0]);
        var data = ins[1];
        if (data.DType is not (DType.Int32 or DType.Int64 or DType.UInt32))
            throw new ArgumentException($"fold_in requires int32, int64 or uint32 data, got {data.DType.Name()}.");
        if (data.Rank != key.Rank - 1)
            throw new ArgumentException($"fold_in requires data of rank one less than the key, got {Types(ins)}.");
        var leading = new TensorType(DType.UInt32, key.Dims[..^1]);
        var dims = BroadcastDims(p, [leading, new TensorType(DType.UInt32, data.Dims)]);
        return new TensorType(DType.UInt32, dims.Add(2));
    }

    /// <summary><c>random_bits</c>: a uint32 key <c>[K..., 2]</c> gives uint32 <c>[K..., shape...]</c>.</summary>
    private static TensorType RandomBits(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.RandomBits;
        var r = Expect<RandomBitsParams>(p, prm);
        Arity(p, ins, 1);
        var key = Key(p, ins[0]);
        if (r.Shape.Any(d => d < 0))
            throw new ArgumentException($"random_bits requires a static shape, got {Fmt(r.Shape)}.");
        if (r.Shape.Aggregate(1L, (n, d) => Math.Min(n * d, 1L << 40)) > int.MaxValue)
            throw new ArgumentException($"random_bits supports at most {int.MaxValue} elements per key, got shape {Fmt(r.Shape)}.");
        return new TensorType(DType.UInt32, key.Dims[..^1].AddRange(r.Shape));
    }

    private static TensorType Key(Primitive p, TensorType key)
    {
        if (key.DType != DType.UInt32 || key.Rank == 0 || key.Dims[^1] != 2)
            throw new ArgumentException($"{p.Name()} requires a uint32 key array whose last axis has size 2, got {key}.");
        return key;
    }
}
