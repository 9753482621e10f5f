using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Appends the equations of a backward pass (the <c>lax</c> calls inside JAX's transpose rules): each helper binds one
/// equation typed by <see cref="ShapeInference"/>, or returns its operand when the operation would be the identity.
/// New equations carry <see cref="ScopePath"/>, the path of the forward equation being differentiated.
/// </summary>
internal sealed class GradBuilder
{
    private readonly List<Eqn> _eqns = [];
    private readonly List<ProgramConstant> _constants = [];
    private readonly Dictionary<(double, DType, int), Var> _scalars = [];

    /// <summary>The equations bound so far, in order.</summary>
    internal IReadOnlyList<Eqn> Eqns => _eqns;

    /// <summary>The constants made so far.</summary>
    internal IReadOnlyList<ProgramConstant> Constants => _constants;

    /// <summary>The scope path recorded on the next equations.</summary>
    internal string ScopePath { get; set; } = "";

    /// <summary>The select form of a <see cref="Primitive.Cond"/> of the forward program (<see cref="CondExpansion"/>),
    /// bound here so the backward equations can read its intermediates; returns the variables of its outputs.</summary>
    internal ImmutableArray<Var> ExpandCond(Eqn cond) => CondExpansion.ExpandOne(cond, cond.Inputs, _eqns, _constants);

    /// <summary>Binds <c>primitive[parameters](inputs)</c> and returns its output.</summary>
    /// <exception cref="ArgumentException">The inputs do not fit the primitive (a bug in a rule).</exception>
    internal Var Emit(Primitive primitive, EqnParams parameters, params Var[] inputs)
    {
        var types = inputs.Select(v => v.Type).ToArray();
        var output = new Var(ShapeInference.Infer(primitive, parameters, types));
        _eqns.Add(new Eqn(primitive, [.. inputs], parameters, [output], ScopePath));
        return output;
    }

    /// <summary>Binds <c>primitive[parameters](inputs)</c> and returns all its outputs (one for a single-output
    /// primitive, several for one that <see cref="Primitives.HasManyOutputs"/>).</summary>
    /// <exception cref="ArgumentException">The inputs do not fit the primitive.</exception>
    internal Var[] EmitAll(Primitive primitive, EqnParams parameters, params Var[] inputs)
    {
        var outputs = ShapeInference.InferAll(primitive, parameters, [.. inputs.Select(v => v.Type)]).Select(t => new Var(t)).ToArray();
        _eqns.Add(new Eqn(primitive, [.. inputs], parameters, [.. outputs], ScopePath));
        return outputs;
    }

    /// <summary>A constant holding <paramref name="value"/>.</summary>
    internal Var Constant(NDArray value)
    {
        var v = new Var(new TensorType(value.DType, value.Shape));
        _constants.Add(new ProgramConstant(v, value));
        return v;
    }

    /// <summary><paramref name="value"/> as <paramref name="dtype"/>, shaped <c>(1, ..., 1)</c> with
    /// <paramref name="rank"/> axes so that it broadcasts element-wise against any value of that rank.</summary>
    internal Var Scalar(double value, DType dtype, int rank)
    {
        if (!_scalars.TryGetValue((value, dtype, rank), out var v))
            _scalars.Add((value, dtype, rank), v = Constant(NDArray.Full(dtype, value, Enumerable.Repeat(1, rank).ToArray())));
        return v;
    }

    /// <summary>A scalar like <see cref="Scalar(double, DType, int)"/> with the dtype and rank of <paramref name="like"/>.</summary>
    internal Var Scalar(double value, Var like) => Scalar(value, like.Type.DType, like.Type.Rank);

    internal Var Add(Var x, Var y) => Emit(Primitive.Add, EqnParams.None, x, y);
    internal Var Sub(Var x, Var y) => Emit(Primitive.Sub, EqnParams.None, x, y);
    internal Var Mul(Var x, Var y) => Emit(Primitive.Mul, EqnParams.None, x, y);
    internal Var Div(Var x, Var y) => Emit(Primitive.Div, EqnParams.None, x, y);
    internal Var Neg(Var x) => Emit(Primitive.Neg, EqnParams.None, x);
    internal Var Eq(Var x, Var y) => Emit(Primitive.Eq, EqnParams.None, x, y);
    internal Var Select(Var predicate, Var onTrue, Var onFalse) => Emit(Primitive.Select, EqnParams.None, predicate, onTrue, onFalse);

    /// <summary><paramref name="x"/> converted to <paramref name="dtype"/> (itself when it has that dtype).</summary>
    internal Var Convert(Var x, DType dtype) =>
        x.Type.DType == dtype ? x : Emit(Primitive.ConvertElementType, new ConvertElementTypeParams(dtype), x);

    /// <summary>The sum of <paramref name="x"/> over <paramref name="axes"/> (any order; itself when empty).</summary>
    internal Var ReduceSum(Var x, IEnumerable<int> axes)
    {
        var sorted = axes.Order().ToImmutableArray();
        return sorted.IsEmpty ? x : Emit(Primitive.ReduceSum, new ReduceParams(sorted), x);
    }

    /// <summary><paramref name="x"/> reshaped to <paramref name="dims"/> (itself when the shape is unchanged).</summary>
    internal Var Reshape(Var x, IEnumerable<int> dims)
    {
        var newSizes = dims.ToImmutableArray();
        return x.Type.Dims.SequenceEqual(newSizes) ? x : Emit(Primitive.Reshape, new ReshapeParams(newSizes), x);
    }

    /// <summary><paramref name="x"/> with output axis <c>i</c> taken from axis <c>permutation[i]</c> (itself for the
    /// identity).</summary>
    internal Var Transpose(Var x, IEnumerable<int> permutation)
    {
        var perm = permutation.ToImmutableArray();
        return perm.SequenceEqual(Enumerable.Range(0, perm.Length)) ? x : Emit(Primitive.Transpose, new TransposeParams(perm), x);
    }

    /// <summary><paramref name="x"/> broadcast to <paramref name="shape"/>, operand axis <c>i</c> becoming output axis
    /// <c>dimensions[i]</c>.</summary>
    internal Var BroadcastInDim(Var x, IEnumerable<int> shape, IEnumerable<int> dimensions) =>
        Emit(Primitive.BroadcastInDim, new BroadcastInDimParams([.. shape], [.. dimensions]), x);

    /// <summary>
    /// The strided slice of <paramref name="x"/> with the given per-axis starts, limits and strides; on a dynamic axis
    /// the entries are ignored and the whole axis is kept. Itself when nothing is cut.
    /// </summary>
    internal Var Slice(Var x, int[] start, int[] limit, int[] strides)
    {
        var dims = x.Type.Dims;
        var (s, l, t) = (start.ToArray(), limit.ToArray(), strides.ToArray());
        for (int a = 0; a < dims.Length; a++)
            if (dims[a] < 0) (s[a], l[a], t[a]) = (0, -1, 1);
        bool whole = Enumerable.Range(0, dims.Length).All(a => s[a] == 0 && t[a] == 1 && (dims[a] < 0 || l[a] == dims[a]));
        return whole ? x : Emit(Primitive.Slice, new SliceParams([.. s], [.. l], [.. t]), x);
    }

    /// <summary><paramref name="x"/> with <paramref name="axis"/> cut to <c>[start, limit)</c>, other axes whole.</summary>
    internal Var SliceAxis(Var x, int axis, int start, int limit)
    {
        var dims = x.Type.Dims;
        var starts = new int[dims.Length];
        var limits = dims.ToArray();
        (starts[axis], limits[axis]) = (start, limit);
        return Slice(x, starts, limits, Ones(dims.Length));
    }

    /// <summary><paramref name="x"/> padded with <paramref name="value"/> (itself when no padding is added).</summary>
    internal Var Pad(Var x, int[] low, int[] high, double value) =>
        low.All(p => p == 0) && high.All(p => p == 0) ? x : Emit(Primitive.Pad, new PadParams([.. low], [.. high], value), x);

    /// <summary>
    /// Sums <paramref name="ct"/>, the cotangent of an element-wise result, over the axes on which the operand of type
    /// <paramref name="operand"/> was broadcast (size 1 there), keeping those axes as size 1.
    /// </summary>
    internal Var Unbroadcast(Var ct, TensorType operand)
    {
        var dims = ct.Type.Dims;
        var axes = Enumerable.Range(0, dims.Length).Where(a => operand.Dims[a] == 1 && dims[a] != 1).ToArray();
        return Reshape(ReduceSum(ct, axes), operand.Dims);
    }

    /// <summary>
    /// Inserts <c>stride - 1</c> zeros between the elements of the static <paramref name="axis"/> of
    /// <paramref name="x"/> (size <c>(n - 1) * stride + 1</c>), as a reshape, a pad and a slice.
    /// </summary>
    internal Var Dilate(Var x, int axis, int stride)
    {
        var dims = x.Type.Dims;
        int n = dims[axis];
        if (stride == 1 || n <= 1) return x;
        var split = dims.Insert(axis + 1, 1);
        var high = new int[split.Length];
        high[axis + 1] = stride - 1;
        var padded = Pad(Reshape(x, split), new int[split.Length], high, 0);
        var merged = Reshape(padded, dims.SetItem(axis, n * stride));
        return SliceAxis(merged, axis, 0, ShapeInference.Dilated(n, stride));
    }

    /// <summary>
    /// The transpose of <see cref="Slice"/>: places <paramref name="ct"/>, the cotangent of a strided slice of an
    /// operand of type <paramref name="operand"/>, at the sliced positions of a zero array of the operand's shape.
    /// </summary>
    internal Var SliceTranspose(Var ct, TensorType operand, int[] start, int[] strides)
    {
        var dims = operand.Dims;
        var low = new int[dims.Length];
        var high = new int[dims.Length];
        for (int a = 0; a < dims.Length; a++)
        {
            if (dims[a] < 0) continue;
            ct = Dilate(ct, a, strides[a]);
            low[a] = start[a];
            high[a] = dims[a] - start[a] - ct.Type.Dims[a];
        }
        return Pad(ct, low, high, 0);
    }

    /// <summary>An array of <paramref name="count"/> ones.</summary>
    internal static int[] Ones(int count) => Enumerable.Repeat(1, count).ToArray();
}
