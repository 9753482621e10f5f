using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>
/// The output type of each primitive given its params and input types (JAX's abstract evaluation rules): the one
/// place that states which inputs a primitive accepts. Tracing calls it to type each new equation; the checker calls
/// it to verify each recorded one. Ill-formed input throws <see cref="ArgumentException"/> with a message naming the
/// primitive and the offending shapes.
/// </summary>
internal static partial class ShapeInference
{
    /// <summary>The types of all outputs of <paramref name="primitive"/> applied to <paramref name="inputs"/>: one for a
    /// single-output primitive, several for one that <see cref="Primitives.HasManyOutputs"/>.</summary>
    /// <exception cref="ArgumentException">The arity, dtypes, shapes or params do not fit the primitive.</exception>
    internal static ImmutableArray<TensorType> InferAll(Primitive primitive, EqnParams parameters, ReadOnlySpan<TensorType> inputs) =>
        primitive.HasManyOutputs() ? InferMany(primitive, parameters, inputs) : [Infer(primitive, parameters, inputs)];

    /// <summary>The rule table of the primitives with several outputs.</summary>
    private static ImmutableArray<TensorType> InferMany(Primitive primitive, EqnParams parameters, ReadOnlySpan<TensorType> inputs) => primitive switch
    {
        Primitive.Scan => Scan(parameters, inputs),
        Primitive.While => While(parameters, inputs),
        Primitive.Cond => Cond(parameters, inputs),
        _ => throw new ArgumentException($"Unknown primitive {primitive}."),
    };

    /// <summary>The type of the single output of <paramref name="primitive"/> applied to <paramref name="inputs"/>.</summary>
    /// <exception cref="ArgumentException">The arity, dtypes, shapes or params do not fit the primitive.</exception>
    internal static TensorType Infer(Primitive primitive, EqnParams parameters, ReadOnlySpan<TensorType> inputs) => primitive switch
    {
        Primitive.Add or Primitive.Sub or Primitive.Mul or Primitive.Div or Primitive.Max or Primitive.Min =>
            Elementwise(primitive, parameters, inputs, 2, DTypeClass.Numeric, null),
        Primitive.Pow => Elementwise(primitive, parameters, inputs, 2, DTypeClass.Float, null),
        Primitive.Neg or Primitive.Sign or Primitive.Abs => Elementwise(primitive, parameters, inputs, 1, DTypeClass.Numeric, null),
        Primitive.Exp or Primitive.Log or Primitive.Log1p or Primitive.Tanh or Primitive.Logistic or Primitive.Sqrt
            or Primitive.Rsqrt or Primitive.Erf => Elementwise(primitive, parameters, inputs, 1, DTypeClass.Float, null),
        Primitive.Eq or Primitive.Ne => Elementwise(primitive, parameters, inputs, 2, DTypeClass.Any, DType.Bool),
        Primitive.Lt or Primitive.Le or Primitive.Gt or Primitive.Ge =>
            Elementwise(primitive, parameters, inputs, 2, DTypeClass.Numeric, DType.Bool),
        Primitive.And or Primitive.Or => Elementwise(primitive, parameters, inputs, 2, DTypeClass.Bool, null),
        Primitive.Not => Elementwise(primitive, parameters, inputs, 1, DTypeClass.Bool, null),
        Primitive.Select => Select(parameters, inputs),
        Primitive.ScaleShift => ScaleShift(parameters, inputs),
        Primitive.ConvertElementType => ConvertElementType(parameters, inputs),
        Primitive.DotGeneral => DotGeneral(parameters, inputs),
        Primitive.ReduceSum or Primitive.ReduceMax or Primitive.ReduceMin => Reduce(primitive, parameters, inputs),
        Primitive.Reshape => Reshape(parameters, inputs),
        Primitive.Transpose => Transpose(parameters, inputs),
        Primitive.BroadcastInDim => BroadcastInDim(parameters, inputs),
        Primitive.Concatenate => Concatenate(parameters, inputs),
        Primitive.Slice => Slice(parameters, inputs),
        Primitive.Pad => Pad(parameters, inputs),
        Primitive.Iota => Iota(parameters, inputs),
        Primitive.Take => Take(parameters, inputs),
        Primitive.TakeAlongAxis => TakeAlongAxis(parameters, inputs),
        Primitive.ConvGeneralDilated => Conv(parameters, inputs),
        Primitive.ConvTranspose => ConvTranspose(parameters, inputs),
        Primitive.ReduceWindowMax or Primitive.ReduceWindowSum => ReduceWindow(primitive, parameters, inputs),
        Primitive.SelectAndScatterAdd => SelectAndScatterAdd(parameters, inputs),
        Primitive.CustomVjpCall => CustomVjpCall(parameters, inputs),
        Primitive.FoldIn => FoldIn(parameters, inputs),
        Primitive.RandomBits => RandomBits(parameters, inputs),
        _ when primitive.HasManyOutputs() => throw new ArgumentException($"{primitive.Name()} has several outputs; InferAll types them."),
        _ => throw new ArgumentException($"Unknown primitive {primitive}."),
    };

    private enum DTypeClass { Any, Numeric, Float, Bool }

    private static TensorType Elementwise(Primitive p, EqnParams prm, ReadOnlySpan<TensorType> ins, int arity, DTypeClass accepted, DType? output)
    {
        NoParams(p, prm);
        Arity(p, ins, arity);
        for (int i = 1; i < ins.Length; i++)
            if (ins[i].DType != ins[0].DType)
                throw new ArgumentException($"{p.Name()} requires arguments to have the same dtypes, got {Types(ins)}.");
        CheckDType(p, ins[0].DType, accepted);
        return new TensorType(output ?? ins[0].DType, BroadcastDims(p, ins));
    }

    private static TensorType Select(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        NoParams(Primitive.Select, prm);
        Arity(Primitive.Select, ins, 3);
        if (ins[0].DType != DType.Bool)
            throw new ArgumentException($"select requires a bool predicate, got {Types(ins)}.");
        if (ins[1].DType != ins[2].DType)
            throw new ArgumentException($"select requires both branches to have the same dtype, got {Types(ins)}.");
        return new TensorType(ins[1].DType, BroadcastDims(Primitive.Select, ins));
    }

    private static TensorType ScaleShift(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.ScaleShift;
        NoParams(p, prm);
        Arity(p, ins, 3);
        var (x, scale, shift) = (ins[0], ins[1], ins[2]);
        if (scale.DType != x.DType || shift.DType != x.DType)
            throw new ArgumentException($"scale_shift requires arguments to have the same dtypes, got {Types(ins)}.");
        if (x.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"scale_shift requires float32 or float64 (ONNX Runtime's BatchNormalization), got {x.DType.Name()}.");
        int features = x.Rank >= 2 ? x.Dims[^1] : -1;
        bool PerFeature(TensorType t) => t.Rank == x.Rank && t.Dims[^1] == features && t.Dims[..^1].All(d => d == 1);
        if (features < 0 || !PerFeature(scale) || !PerFeature(shift))
            throw new ArgumentException($"scale_shift requires x of rank at least 2 with a static last axis, and scale and shift of x's rank sized 1 but on that axis, got {Types(ins)}.");
        return x;
    }

    private static TensorType ConvertElementType(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var p = Expect<ConvertElementTypeParams>(Primitive.ConvertElementType, prm);
        Arity(Primitive.ConvertElementType, ins, 1);
        return ins[0].WithDType(p.NewDType);
    }

    /// <summary>The element-wise output dims: equal ranks, and per axis equal sizes or a 1 that broadcasts.</summary>
    private static ImmutableArray<int> BroadcastDims(Primitive p, ReadOnlySpan<TensorType> ins)
    {
        int rank = ins[0].Rank;
        foreach (var t in ins)
            if (t.Rank != rank)
                throw new ArgumentException($"{p.Name()} requires arguments of equal rank, got {Types(ins)}.");
        var dims = new int[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            int size = 1;
            foreach (var t in ins)
            {
                int d = t.Dims[axis];
                if (d == 1 || d == size) continue;
                if (size != 1)
                    throw new ArgumentException($"{p.Name()} got incompatible shapes for broadcasting: {Types(ins)}.");
                size = d;
            }
            dims[axis] = size;
        }
        return ImmutableArray.Create(dims);
    }

    private static void CheckDType(Primitive p, DType dtype, DTypeClass accepted)
    {
        bool ok = accepted switch
        {
            DTypeClass.Numeric => dtype != DType.Bool,
            DTypeClass.Float => dtype.IsFloat(),
            DTypeClass.Bool => dtype == DType.Bool,
            _ => true,
        };
        if (!ok)
        {
            string wanted = accepted switch { DTypeClass.Numeric => "a numeric", DTypeClass.Float => "a floating-point", _ => "a bool" };
            throw new ArgumentException($"{p.Name()} requires {wanted} dtype, got {dtype.Name()}.");
        }
    }

    private static T Expect<T>(Primitive p, EqnParams prm) where T : EqnParams =>
        prm as T ?? throw new ArgumentException($"{p.Name()} expects {typeof(T).Name}, got {prm.GetType().Name}{prm}.");

    private static void NoParams(Primitive p, EqnParams prm)
    {
        if (!ReferenceEquals(prm, EqnParams.None))
            throw new ArgumentException($"{p.Name()} takes no params, got {prm.GetType().Name}{prm}.");
    }

    private static void Arity(Primitive p, ReadOnlySpan<TensorType> ins, int count)
    {
        if (ins.Length != count)
            throw new ArgumentException($"{p.Name()} takes {count} input{(count == 1 ? "" : "s")}, got {ins.Length}.");
    }

    private static void Rank(Primitive p, string what, int count, TensorType t)
    {
        if (count != t.Rank)
            throw new ArgumentException($"{p.Name()} needs one {what} entry per axis of the operand of type {t}, got {count}.");
    }

    private static void Axis(Primitive p, int axis, int rank)
    {
        if (axis < 0 || axis >= rank)
            throw new ArgumentException($"{p.Name()} got axis {axis}, out of range for rank {rank}.");
    }

    private static string Types(ReadOnlySpan<TensorType> ins)
    {
        var parts = new string[ins.Length];
        for (int i = 0; i < ins.Length; i++) parts[i] = ins[i].ToString();
        return string.Join(", ", parts);
    }

    private static string Fmt(IEnumerable<int> dims) => Shapes.Format(dims.ToArray());
}
