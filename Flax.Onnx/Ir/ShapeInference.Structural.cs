using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class ShapeInference
{
    private static TensorType DotGeneral(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.DotGeneral;
        var d = Expect<DotGeneralParams>(p, prm);
        Arity(p, ins, 2);
        var (lhs, rhs) = (ins[0], ins[1]);
        if (lhs.DType != rhs.DType)
            throw new ArgumentException($"dot_general requires arguments to have the same dtypes, got {Types(ins)}.");
        CheckDType(p, lhs.DType, DTypeClass.Numeric);
        if (d.LhsContracting.Length != d.RhsContracting.Length || d.LhsBatch.Length != d.RhsBatch.Length)
            throw new ArgumentException($"dot_general requires equal numbers of lhs and rhs contracting and batch dimensions, got {prm}.");
        var lhsUsed = DistinctAxes(p, "lhs", d.LhsBatch.AddRange(d.LhsContracting), lhs.Rank);
        var rhsUsed = DistinctAxes(p, "rhs", d.RhsBatch.AddRange(d.RhsContracting), rhs.Rank);
        var lhsBatch = d.LhsBatch.Select(a => lhs.Dims[a]).ToArray();
        var rhsBatch = d.RhsBatch.Select(a => rhs.Dims[a]).ToArray();
        if (!lhsBatch.SequenceEqual(rhsBatch))
            throw new ArgumentException($"dot_general requires lhs batch dimensions and rhs batch dimensions to have the same shape, got {Fmt(lhsBatch)} and {Fmt(rhsBatch)}.");
        var lhsContract = d.LhsContracting.Select(a => lhs.Dims[a]).ToArray();
        var rhsContract = d.RhsContracting.Select(a => rhs.Dims[a]).ToArray();
        if (!lhsContract.SequenceEqual(rhsContract))
            throw new ArgumentException($"dot_general requires contracting dimensions to have the same shape, got {Fmt(lhsContract)} and {Fmt(rhsContract)}.");
        var dims = lhsBatch
            .Concat(Enumerable.Range(0, lhs.Rank).Where(a => !lhsUsed.Contains(a)).Select(a => lhs.Dims[a]))
            .Concat(Enumerable.Range(0, rhs.Rank).Where(a => !rhsUsed.Contains(a)).Select(a => rhs.Dims[a]));
        return new TensorType(lhs.DType, dims.ToImmutableArray());
    }

    private static TensorType Reduce(Primitive p, EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var r = Expect<ReduceParams>(p, prm);
        Arity(p, ins, 1);
        var x = ins[0];
        CheckDType(p, x.DType, DTypeClass.Numeric);
        Increasing(p, "axes", r.Axes, x.Rank);
        var kept = Enumerable.Range(0, x.Rank).Where(a => !r.Axes.Contains(a)).Select(a => x.Dims[a]);
        return new TensorType(x.DType, kept.ToImmutableArray());
    }

    private static TensorType Reshape(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var r = Expect<ReshapeParams>(Primitive.Reshape, prm);
        Arity(Primitive.Reshape, ins, 1);
        var x = ins[0];
        var output = new TensorType(x.DType, r.NewSizes);
        if (StaticSize(x.Dims) != StaticSize(r.NewSizes) || x.Dims.Count(d => d < 0) != r.NewSizes.Count(d => d < 0))
            throw new ArgumentException($"reshape cannot turn shape {Fmt(x.Dims)} into {Fmt(r.NewSizes)}: the sizes differ (None is the batch size).");
        return output;
    }

    private static TensorType Transpose(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var t = Expect<TransposeParams>(Primitive.Transpose, prm);
        Arity(Primitive.Transpose, ins, 1);
        var x = ins[0];
        if (t.Permutation.Length != x.Rank || !t.Permutation.Order().SequenceEqual(Enumerable.Range(0, x.Rank)))
            throw new ArgumentException($"transpose permutation {Fmt(t.Permutation)} is not a permutation of the axes of {x}.");
        return new TensorType(x.DType, t.Permutation.Select(a => x.Dims[a]).ToImmutableArray());
    }

    private static TensorType BroadcastInDim(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.BroadcastInDim;
        var b = Expect<BroadcastInDimParams>(p, prm);
        Arity(p, ins, 1);
        var x = ins[0];
        var output = new TensorType(x.DType, b.Shape);
        Rank(p, "broadcast_dimensions", b.BroadcastDimensions.Length, x);
        Increasing(p, "broadcast_dimensions", b.BroadcastDimensions, b.Shape.Length);
        for (int i = 0; i < x.Rank; i++)
            if (x.Dims[i] != 1 && x.Dims[i] != b.Shape[b.BroadcastDimensions[i]])
                throw new ArgumentException($"broadcast_in_dim cannot broadcast {x} to {output} with broadcast_dimensions {Fmt(b.BroadcastDimensions)}: operand axis {i} has size {x.Dims[i]}.");
        return output;
    }

    private static TensorType Concatenate(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.Concatenate;
        var c = Expect<AxisParams>(p, prm);
        if (ins.Length == 0) throw new ArgumentException("concatenate takes at least one input, got 0.");
        var first = ins[0];
        Axis(p, c.Axis, first.Rank);
        int total = 0;
        foreach (var t in ins)
        {
            bool fits = t.DType == first.DType && t.Rank == first.Rank
                && Enumerable.Range(0, t.Rank).All(a => a == c.Axis || t.Dims[a] == first.Dims[a]);
            if (!fits || t.Dims[c.Axis] < 0)
                throw new ArgumentException($"concatenate along axis {c.Axis} requires one dtype and equal sizes on the other axes, and a static axis, got {Types(ins)}.");
            total += t.Dims[c.Axis];
        }
        return new TensorType(first.DType, first.Dims.SetItem(c.Axis, total));
    }

    private static TensorType Slice(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.Slice;
        var s = Expect<SliceParams>(p, prm);
        Arity(p, ins, 1);
        var x = ins[0];
        Rank(p, "start_indices", s.Start.Length, x);
        Rank(p, "limit_indices", s.Limit.Length, x);
        Rank(p, "strides", s.Strides.Length, x);
        var dims = new int[x.Rank];
        for (int a = 0; a < x.Rank; a++)
        {
            int size = x.Dims[a], start = s.Start[a], limit = s.Limit[a], stride = s.Strides[a];
            bool ok = size < 0
                ? start == 0 && limit == -1 && stride == 1
                : 0 <= start && start <= limit && limit <= size && stride >= 1;
            if (!ok)
                throw new ArgumentException($"slice {prm} does not fit {x} on axis {a}.");
            dims[a] = size < 0 ? -1 : (limit - start + stride - 1) / stride;
        }
        return new TensorType(x.DType, ImmutableArray.Create(dims));
    }

    private static TensorType Pad(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.Pad;
        var pad = Expect<PadParams>(p, prm);
        Arity(p, ins, 1);
        var x = ins[0];
        Rank(p, "low", pad.Low.Length, x);
        Rank(p, "high", pad.High.Length, x);
        var dims = new int[x.Rank];
        for (int a = 0; a < x.Rank; a++)
        {
            int low = pad.Low[a], high = pad.High[a];
            if (low < 0 || high < 0 || (x.Dims[a] < 0 && low + high != 0))
                throw new ArgumentException($"pad {prm} does not fit {x} on axis {a}: padding is non-negative, and 0 on the batch axis.");
            dims[a] = x.Dims[a] < 0 ? -1 : x.Dims[a] + low + high;
        }
        return new TensorType(x.DType, ImmutableArray.Create(dims));
    }

    private static TensorType Iota(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.Iota;
        var i = Expect<IotaParams>(p, prm);
        Arity(p, ins, 0);
        CheckDType(p, i.DType, DTypeClass.Numeric);
        if (i.Shape.Any(d => d < 0))
            throw new ArgumentException($"iota requires a static shape, got {Fmt(i.Shape)}.");
        Axis(p, i.Dimension, i.Shape.Length);
        return new TensorType(i.DType, i.Shape);
    }

    private static TensorType Take(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.Take;
        var t = Expect<AxisParams>(p, prm);
        Arity(p, ins, 2);
        var (x, indices) = (ins[0], ins[1]);
        CheckIndices(p, indices);
        Axis(p, t.Axis, x.Rank);
        if (x.Dims[t.Axis] < 0)
            throw new ArgumentException($"take cannot index the batch axis {t.Axis} of {x}.");
        var dims = x.Dims.Take(t.Axis).Concat(indices.Dims).Concat(x.Dims.Skip(t.Axis + 1));
        return new TensorType(x.DType, dims.ToImmutableArray());
    }

    private static TensorType TakeAlongAxis(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.TakeAlongAxis;
        var t = Expect<AxisParams>(p, prm);
        Arity(p, ins, 2);
        var (x, indices) = (ins[0], ins[1]);
        CheckIndices(p, indices);
        Axis(p, t.Axis, x.Rank);
        if (indices.Rank != x.Rank || Enumerable.Range(0, x.Rank).Any(a => a != t.Axis && indices.Dims[a] != x.Dims[a]))
            throw new ArgumentException($"take_along_axis requires indices of the operand's rank and sizes except on axis {t.Axis}, got {Types(ins)}.");
        return new TensorType(x.DType, indices.Dims);
    }

    private static void CheckIndices(Primitive p, TensorType indices)
    {
        if (indices.DType is not (DType.Int32 or DType.Int64))
            throw new ArgumentException($"{p.Name()} requires int32 or int64 indices, got {indices.DType.Name()}.");
    }

    /// <summary>Checks that <paramref name="axes"/> are in range and strictly increasing.</summary>
    private static void Increasing(Primitive p, string what, ImmutableArray<int> axes, int rank)
    {
        for (int i = 0; i < axes.Length; i++)
            if (axes[i] < 0 || axes[i] >= rank || (i > 0 && axes[i] <= axes[i - 1]))
                throw new ArgumentException($"{p.Name()} {what} {Fmt(axes)} must be strictly increasing axes below {rank}.");
    }

    /// <summary>Checks that <paramref name="axes"/> are distinct and in range; returns them as a set.</summary>
    private static HashSet<int> DistinctAxes(Primitive p, string side, ImmutableArray<int> axes, int rank)
    {
        var set = new HashSet<int>();
        foreach (var a in axes)
            if (a < 0 || a >= rank || !set.Add(a))
                throw new ArgumentException($"{p.Name()} {side} batch and contracting dimensions {Fmt(axes)} must be distinct axes below {rank}.");
        return set;
    }

    /// <summary>The product of the static sizes (ignoring -1 entries).</summary>
    private static long StaticSize(ImmutableArray<int> dims) => dims.Where(d => d >= 0).Aggregate(1L, (n, d) => n * d);
}
