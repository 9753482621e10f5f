using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class ShapeInference
{
    private static TensorType Conv(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.ConvGeneralDilated;
        var c = Expect<ConvParams>(p, prm);
        Arity(p, ins, 2);
        var (lhs, rhs) = (ins[0], ins[1]);
        if (lhs.DType != rhs.DType)
            throw new ArgumentException($"conv_general_dilated requires arguments to have the same dtypes, got {Types(ins)}.");
        CheckDType(p, lhs.DType, DTypeClass.Float);
        int n = lhs.Rank - 2;
        if (n < 1 || rhs.Rank != lhs.Rank)
            throw new ArgumentException($"conv_general_dilated requires lhs (N, spatial..., C) and rhs (window..., I, O) of equal rank of at least 3, got {Types(ins)}.");
        bool lengthsOk = c.WindowStrides.Length == n && c.Padding.Length == n && c.LhsDilation.Length == n && c.RhsDilation.Length == n;
        if (!lengthsOk || c.WindowStrides.Any(s => s < 1) || c.LhsDilation.Any(d => d < 1) || c.RhsDilation.Any(d => d < 1) || c.FeatureGroupCount < 1)
            throw new ArgumentException($"conv_general_dilated params {prm} must have {n} entries per list, strides, dilations and feature_group_count of at least 1.");
        if (lhs.Dims.Skip(1).Any(d => d < 0) || rhs.IsDynamic)
            throw new ArgumentException($"conv_general_dilated allows a dynamic size only on the batch axis of lhs, got {Types(ins)}.");
        int channels = lhs.Dims[^1], groups = c.FeatureGroupCount, outFeatures = rhs.Dims[^1];
        if (rhs.Dims[^2] * groups != channels || outFeatures % groups != 0)
            throw new ArgumentException($"conv_general_dilated with feature_group_count {groups} requires lhs features ({channels}) = rhs input features ({rhs.Dims[^2]}) * {groups} and rhs output features ({outFeatures}) divisible by {groups}, got {Types(ins)}.");
        var dims = new int[lhs.Rank];
        dims[0] = lhs.Dims[0];
        dims[^1] = outFeatures;
        for (int i = 0; i < n; i++)
        {
            int size = Dilated(lhs.Dims[i + 1], c.LhsDilation[i]) + c.Padding[i].Low + c.Padding[i].High;
            dims[i + 1] = WindowCount(size, Dilated(rhs.Dims[i], c.RhsDilation[i]), c.WindowStrides[i]);
        }
        return new TensorType(lhs.DType, ImmutableArray.Create(dims));
    }

    private static TensorType ConvTranspose(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.ConvTranspose;
        var c = Expect<ConvTransposeParams>(p, prm);
        Arity(p, ins, 2);
        var (lhs, rhs) = (ins[0], ins[1]);
        if (lhs.DType != rhs.DType)
            throw new ArgumentException($"conv_transpose requires arguments to have the same dtypes, got {Types(ins)}.");
        CheckDType(p, lhs.DType, DTypeClass.Float);
        int n = lhs.Rank - 2;
        if (n < 1 || rhs.Rank != lhs.Rank)
            throw new ArgumentException($"conv_transpose requires lhs (N, spatial..., O) and rhs (window..., I, O) of equal rank of at least 3, got {Types(ins)}.");
        bool lengthsOk = c.Strides.Length == n && c.Padding.Length == n && c.OutputPadding.Length == n && c.RhsDilation.Length == n;
        bool valuesOk = lengthsOk && c.FeatureGroupCount >= 1 && Enumerable.Range(0, n).All(i =>
            c.Strides[i] >= 1 && c.RhsDilation[i] >= 1 && c.Padding[i].Low >= 0 && c.Padding[i].High >= 0
            && c.OutputPadding[i] >= 0 && c.OutputPadding[i] < c.Strides[i]);
        if (!valuesOk)
            throw new ArgumentException($"conv_transpose params {prm} must have {n} entries per list, strides, dilations and feature_group_count of at least 1, non-negative padding and output padding below the stride.");
        if (lhs.Dims.Skip(1).Any(d => d < 0) || rhs.IsDynamic)
            throw new ArgumentException($"conv_transpose allows a dynamic size only on the batch axis of lhs, got {Types(ins)}.");
        int groups = c.FeatureGroupCount, features = lhs.Dims[^1];
        if (rhs.Dims[^1] != features || features % groups != 0)
            throw new ArgumentException($"conv_transpose with feature_group_count {groups} requires lhs features ({features}) = rhs output features ({rhs.Dims[^1]}), divisible by {groups}, got {Types(ins)}.");
        var dims = new int[lhs.Rank];
        dims[0] = lhs.Dims[0];
        dims[^1] = rhs.Dims[^2] * groups;
        for (int i = 0; i < n; i++)
        {
            dims[i + 1] = (lhs.Dims[i + 1] - 1) * c.Strides[i] + c.OutputPadding[i] + Dilated(rhs.Dims[i], c.RhsDilation[i])
                - c.Padding[i].Low - c.Padding[i].High;
            if (lhs.Dims[i + 1] < 1 || rhs.Dims[i] < 1 || dims[i + 1] < 1)
                throw new ArgumentException($"conv_transpose {prm} of {Types(ins)} gives no element on spatial axis {i}.");
        }
        return new TensorType(lhs.DType, ImmutableArray.Create(dims));
    }

    private static TensorType ReduceWindow(Primitive p, EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var w = Expect<ReduceWindowParams>(p, prm);
        Arity(p, ins, 1);
        var x = ins[0];
        CheckDType(p, x.DType, DTypeClass.Numeric);
        Rank(p, "window_dimensions", w.WindowDimensions.Length, x);
        Rank(p, "window_strides", w.WindowStrides.Length, x);
        Rank(p, "padding", w.Padding.Length, x);
        var dims = new int[x.Rank];
        for (int a = 0; a < x.Rank; a++)
        {
            int window = w.WindowDimensions[a], stride = w.WindowStrides[a];
            var (low, high) = w.Padding[a];
            bool ok = x.Dims[a] < 0
                ? window == 1 && stride == 1 && low == 0 && high == 0
                : window >= 1 && stride >= 1 && low >= 0 && high >= 0;
            if (!ok)
                throw new ArgumentException($"{p.Name()} {prm} does not fit {x} on axis {a}: windows and strides are at least 1 (1 on the batch axis), padding non-negative (0 on the batch axis).");
            dims[a] = x.Dims[a] < 0 ? -1 : WindowCount(x.Dims[a] + low + high, window, stride);
        }
        return new TensorType(x.DType, ImmutableArray.Create(dims));
    }

    private static TensorType SelectAndScatterAdd(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.SelectAndScatterAdd;
        Arity(p, ins, 2);
        var (source, operand) = (ins[0], ins[1]);
        if (source.DType != operand.DType)
            throw new ArgumentException($"select_and_scatter_add requires arguments to have the same dtypes, got {Types(ins)}.");
        CheckDType(p, source.DType, DTypeClass.Float);
        var windows = ReduceWindow(p, prm, [operand]);
        if (!windows.Equals(source))
            throw new ArgumentException($"select_and_scatter_add requires a source of the windowed operand's type {windows}, got {Types(ins)}.");
        return operand;
    }

    /// <summary>The size of an axis of <paramref name="size"/> elements with <c>dilation - 1</c> holes between them.</summary>
    internal static int Dilated(int size, int dilation) => size == 0 ? 0 : (size - 1) * dilation + 1;

    /// <summary>How many windows of <paramref name="window"/> elements fit at steps of <paramref name="stride"/>.</summary>
    internal static int WindowCount(int size, int window, int stride) => size < window ? 0 : (size - window) / stride + 1;
}
