using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// The batching rule of every <see cref="Primitive"/> (JAX's <c>primitive_batchers</c>): given an equation of one index
/// and its batched inputs (at least one of them batched), it binds the equations that compute every index at once and
/// says where their batch axis is. Element-wise members keep the first batched input's axis; the others move it to the
/// front.
/// </summary>
internal static partial class BatchingRules
{
    /// <summary>The batched output of <paramref name="eqn"/>.</summary>
    /// <exception cref="NotSupportedException">The primitive has no rule for this combination (the message says which).</exception>
    internal static Batched Apply(BatchContext ctx, Eqn eqn, ImmutableArray<Batched> args) => eqn.Primitive switch
    {
        Primitive.Add or Primitive.Sub or Primitive.Mul or Primitive.Div or Primitive.Pow or Primitive.Max or Primitive.Min
            or Primitive.Neg or Primitive.Sign or Primitive.Abs or Primitive.Exp or Primitive.Log or Primitive.Log1p
            or Primitive.Tanh or Primitive.Logistic or Primitive.Sqrt or Primitive.Rsqrt or Primitive.Erf
            or Primitive.Eq or Primitive.Ne or Primitive.Lt or Primitive.Le or Primitive.Gt or Primitive.Ge
            or Primitive.And or Primitive.Or or Primitive.Not or Primitive.Select or Primitive.ConvertElementType
            => Elementwise(ctx, eqn, args),
        Primitive.DotGeneral => DotGeneral(ctx, (DotGeneralParams)eqn.Params, args[0], args[1]),
        Primitive.ReduceSum or Primitive.ReduceMax or Primitive.ReduceMin =>
            Front(ctx, eqn.Primitive, new ReduceParams(Shift(((ReduceParams)eqn.Params).Axes)), args[0]),
        Primitive.Reshape =>
            Front(ctx, eqn.Primitive, new ReshapeParams([ctx.Size, .. ((ReshapeParams)eqn.Params).NewSizes]), args[0]),
        Primitive.Transpose =>
            Front(ctx, eqn.Primitive, new TransposeParams([0, .. Shift(((TransposeParams)eqn.Params).Permutation)]), args[0]),
        Primitive.BroadcastInDim => BroadcastInDim(ctx, (BroadcastInDimParams)eqn.Params, args[0]),
        Primitive.Concatenate => new Batched(ctx.Bind(eqn.Primitive, new AxisParams(((AxisParams)eqn.Params).Axis + 1),
            [.. args.Select(ctx.Front)]), 0),
        Primitive.Slice => Slice(ctx, (SliceParams)eqn.Params, args[0]),
        Primitive.Pad => Pad(ctx, (PadParams)eqn.Params, args[0]),
        Primitive.Take => Take(ctx, ((AxisParams)eqn.Params).Axis, args[0], args[1]),
        Primitive.TakeAlongAxis => new Batched(ctx.Bind(eqn.Primitive, new AxisParams(((AxisParams)eqn.Params).Axis + 1),
            ctx.Front(args[0]), ctx.Front(args[1])), 0),
        Primitive.ConvGeneralDilated => Conv(ctx, (ConvParams)eqn.Params, args[0], args[1]),
        Primitive.ReduceWindowMax or Primitive.ReduceWindowSum => ReduceWindow(ctx, eqn.Primitive, (ReduceWindowParams)eqn.Params, args[0]),
        Primitive.CustomVjpCall => CustomVjpCall(ctx, (CustomVjpParams)eqn.Params, args),
        // Keys and data broadcast over leading axes: batched operands move their batch axis to the front, unbatched
        // ones get a size-1 leading axis.
        Primitive.FoldIn => new Batched(ctx.Bind(eqn.Primitive, eqn.Params,
            [.. args.Select(a => a.Axis is null ? ctx.ExpandDims(a.Value, 0) : ctx.Front(a))]), 0),
        Primitive.RandomBits => Front(ctx, eqn.Primitive, eqn.Params, args[0]),
        _ => throw new NotSupportedException($"vmap has no batching rule for {eqn.Primitive.Name()}."),
    };

    /// <summary>The batched outputs of <paramref name="eqn"/>, whose primitive has several outputs.</summary>
    /// <exception cref="NotSupportedException">The primitive has no rule for this combination (the message says which).</exception>
    internal static ImmutableArray<Batched> ApplyMany(BatchContext ctx, Eqn eqn, ImmutableArray<Batched> args) => eqn.Primitive switch
    {
        Primitive.Scan => Unrolled(ctx, ScanUnrolling.Program(eqn), args),
        Primitive.While => While(ctx, (WhileParams)eqn.Params, args),
        Primitive.Cond => Cond(ctx, (CondParams)eqn.Params, args),
        _ => throw new NotSupportedException($"vmap has no batching rule for {eqn.Primitive.Name()}."),
    };

    private static ImmutableArray<int> Shift(ImmutableArray<int> axes) => [.. axes.Select(a => a + 1)];

    /// <summary>A one-input rule whose params already account for a leading batch axis.</summary>
    private static Batched Front(BatchContext ctx, Primitive primitive, EqnParams parameters, Batched x) =>
        new(ctx.Bind(primitive, parameters, ctx.Front(x)), 0);

    /// <summary>Element-wise members: batched inputs share the first one's batch axis; unbatched inputs get a size-1 axis
    /// there, which broadcasts.</summary>
    private static Batched Elementwise(BatchContext ctx, Eqn eqn, ImmutableArray<Batched> args)
    {
        int axis = args.First(a => a.Axis is not null).Axis!.Value;
        var operands = args.Select(a => a.Axis is { } from ? ctx.MoveAxis(a.Value, from, axis) : ctx.ExpandDims(a.Value, axis)).ToArray();
        return new Batched(ctx.Bind(eqn.Primitive, eqn.Params, operands), axis);
    }

    /// <summary>Both batched: a new leading batch dimension pair. One batched: its batch axis is a free axis, which
    /// <c>dot_general</c> places after the batch axes (lhs) or after lhs's free axes (rhs).</summary>
    private static Batched DotGeneral(BatchContext ctx, DotGeneralParams p, Batched lhs, Batched rhs)
    {
        var l = lhs.Axis is null ? lhs.Value : ctx.Front(lhs);
        var r = rhs.Axis is null ? rhs.Value : ctx.Front(rhs);
        ImmutableArray<int> Lhs(ImmutableArray<int> axes) => lhs.Axis is null ? axes : Shift(axes);
        ImmutableArray<int> Rhs(ImmutableArray<int> axes) => rhs.Axis is null ? axes : Shift(axes);
        if (lhs.Axis is not null && rhs.Axis is not null)
        {
            var both = new DotGeneralParams(Lhs(p.LhsContracting), Rhs(p.RhsContracting), [0, .. Lhs(p.LhsBatch)], [0, .. Rhs(p.RhsBatch)]);
            return new Batched(ctx.Bind(Primitive.DotGeneral, both, l, r), 0);
        }
        var q = new DotGeneralParams(Lhs(p.LhsContracting), Rhs(p.RhsContracting), Lhs(p.LhsBatch), Rhs(p.RhsBatch));
        int lhsFree = lhs.Value.Rank - p.LhsBatch.Length - p.LhsContracting.Length;
        int axis = lhs.Axis is not null ? p.LhsBatch.Length : p.LhsBatch.Length + lhsFree;
        return new Batched(ctx.Bind(Primitive.DotGeneral, q, l, r), axis);
    }

    private static Batched BroadcastInDim(BatchContext ctx, BroadcastInDimParams p, Batched x) =>
        Front(ctx, Primitive.BroadcastInDim, new BroadcastInDimParams([ctx.Size, .. p.Shape], [0, .. Shift(p.BroadcastDimensions)]), x);

    private static Batched Slice(BatchContext ctx, SliceParams p, Batched x) =>
        Front(ctx, Primitive.Slice, new SliceParams([0, .. p.Start], [ctx.Size, .. p.Limit], [1, .. p.Strides]), x);

    private static Batched Pad(BatchContext ctx, PadParams p, Batched x) =>
        Front(ctx, Primitive.Pad, new PadParams([0, .. p.Low], [0, .. p.High], p.PaddingValue), x);

    private static Batched ReduceWindow(BatchContext ctx, Primitive primitive, ReduceWindowParams p, Batched x) =>
        Front(ctx, primitive, new ReduceWindowParams([1, .. p.WindowDimensions], [1, .. p.WindowStrides], [(0, 0), .. p.Padding]), x);

    /// <summary>
    /// <c>take</c>: a batched operand gathers along the shifted axis; batched indices give an output whose batch axis
    /// is where the indices' axes start; both batched gather from the operand flattened over (batch, axis) with indices
    /// offset by <c>batch * size</c>.
    /// </summary>
    private static Batched Take(BatchContext ctx, int axis, Batched operand, Batched indices)
    {
        if (indices.Axis is null)
            return new Batched(ctx.Bind(Primitive.Take, new AxisParams(axis + 1), ctx.Front(operand), indices.Value), 0);
        if (operand.Axis is null)
            return new Batched(ctx.Bind(Primitive.Take, new AxisParams(axis), operand.Value, ctx.Front(indices)), axis);
        if (ctx.Size < 0)
            throw new NotSupportedException("vmap over the dynamic batch axis cannot take with both the operand and the indices batched.");
        var x = ctx.MoveAxis(ctx.Front(operand), axis + 1, 1);                       // (n, m, rest...)
        int m = x.Shape[1];
        var rest = x.Shape[2..];
        var flat = ctx.Reshape(x, [ctx.Size * m, .. rest]);
        var idx = ctx.Front(indices);                                              // (n, I...)
        var dtype = idx.DType;
        var ones = Enumerable.Repeat(1, idx.Rank).ToArray();
        Tensor Constant(double value) => ctx.Trace.AddConstant(NDArray.Full(dtype, value, ones));
        var wrapped = ctx.Bind(Primitive.Select, EqnParams.None,
            ctx.Bind(Primitive.Lt, EqnParams.None, idx, Constant(0)), ctx.Bind(Primitive.Add, EqnParams.None, idx, Constant(m)), idx);
        var offsets = ctx.Bind(Primitive.Mul, EqnParams.None,
            ctx.Bind(Primitive.Iota, new IotaParams(dtype, [ctx.Size, .. ones[1..]], 0)), Constant(m));
        var gathered = ctx.Bind(Primitive.Take, new AxisParams(0), flat, ctx.Bind(Primitive.Add, EqnParams.None, wrapped, offsets));
        // (n, I..., rest...) -> (n, rest[:axis]..., I..., rest[axis:]...)
        int ni = idx.Rank - 1;
        var order = new List<int> { 0 };
        order.AddRange(Enumerable.Range(1 + ni, axis));
        order.AddRange(Enumerable.Range(1, ni));
        order.AddRange(Enumerable.Range(1 + ni + axis, rest.Length - axis));
        return new Batched(ctx.Bind(Primitive.Transpose, new TransposeParams([.. order]), gathered), 0);
    }

    /// <summary>
    /// Convolution: the mapped index joins the channel groups (JAX's trick). The lhs <c>(n, N, S..., C)</c> becomes
    /// <c>(N, S..., n*C)</c>, the kernel <c>(n, W..., C/G, O)</c> becomes <c>(W..., C/G, n*O)</c> (an unbatched side is
    /// broadcast), and <c>n*G</c> groups compute every index; the output <c>(N, S'..., n*O)</c> is split back.
    /// </summary>
    private static Batched Conv(BatchContext ctx, ConvParams p, Batched lhs, Batched rhs)
    {
        if (ctx.Size < 0)
            throw new NotSupportedException("vmap over the dynamic batch axis cannot batch a convolution.");
        int n = ctx.Size;
        var l = ctx.MoveAxis(ctx.Front(lhs), 0, lhs.Value.Rank - (lhs.Axis is null ? 0 : 1) - 1);  // (N, S..., n, C)
        var ls = l.Shape;
        l = ctx.Reshape(l, [.. ls[..^2], n * ls[^1]]);
        var k = ctx.MoveAxis(ctx.Front(rhs), 0, rhs.Value.Rank - (rhs.Axis is null ? 0 : 1) - 1);  // (W..., C/G, n, O)
        var ks = k.Shape;
        k = ctx.Reshape(k, [.. ks[..^2], n * ks[^1]]);
        var y = ctx.Bind(Primitive.ConvGeneralDilated, p with { FeatureGroupCount = p.FeatureGroupCount * n }, l, k);
        var ys = y.Shape;
        y = ctx.Reshape(y, [.. ys[..^1], n, ys[^1] / n]);
        return new Batched(y, y.Rank - 2);
    }
}
