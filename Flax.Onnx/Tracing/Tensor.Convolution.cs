namespace Flax;

public sealed partial class Tensor
{
    /// <summary>
    /// N-d convolution with lax semantics (<c>lax.conv_general_dilated</c> with dimension numbers
    /// <c>("NHWC", "HWIO", "NHWC")</c>): <paramref name="lhs"/> is <c>(N, spatial..., C)</c>, <paramref name="rhs"/>
    /// <c>(window..., C / featureGroupCount, O)</c>, the result <c>(N, out..., O)</c>. It is a correlation (no kernel flip).
    /// See <see cref="Primitive.ConvGeneralDilated"/> for the exact arithmetic.
    /// </summary>
    /// <param name="lhs">The input, whose batch axis may be dynamic.</param>
    /// <param name="rhs">The kernel.</param>
    /// <param name="windowStrides">Steps per spatial axis.</param>
    /// <param name="padding">SAME (computed on the undilated input and the dilated kernel, as lax does), VALID or
    /// explicit pairs.</param>
    /// <param name="lhsDilation">Input dilation per spatial axis (transposed convolution); 1s by default.</param>
    /// <param name="rhsDilation">Kernel dilation per spatial axis (atrous); 1s by default.</param>
    /// <param name="featureGroupCount">Channel groups (depthwise: C).</param>
    /// <exception cref="ArgumentException">The ranks, channel counts or parameter lengths do not fit.</exception>
    public static Tensor ConvGeneralDilated(Tensor lhs, Tensor rhs, int[] windowStrides, Padding padding,
        int[]? lhsDilation = null, int[]? rhsDilation = null, int featureGroupCount = 1)
    {
        ArgumentNullException.ThrowIfNull(lhs);
        ArgumentNullException.ThrowIfNull(rhs);
        ArgumentNullException.ThrowIfNull(windowStrides);
        ArgumentNullException.ThrowIfNull(padding);
        int n = Math.Max(lhs.Rank - 2, 0);
        if (windowStrides.Length != n || rhs.Rank != lhs.Rank)
            throw new ArgumentException($"ConvGeneralDilated needs lhs (N, spatial..., C) and rhs (window..., I, O) of one rank and one stride per spatial axis, got shapes {Shapes.Format(lhs.Shape)} and {Shapes.Format(rhs.Shape)} with window_strides {Shapes.Format(windowStrides)}.");
        var lhsD = lhsDilation ?? Enumerable.Repeat(1, n).ToArray();
        var rhsD = rhsDilation ?? Enumerable.Repeat(1, n).ToArray();
        var dilatedWindow = rhs.Type.Dims.Take(n).Select((k, i) => i < rhsD.Length ? ShapeInference.Dilated(k, rhsD[i]) : k).ToArray();
        var pads = padding.Resolve(lhs.Type.Dims.AsSpan(1, n), dilatedWindow, windowStrides);
        var dtype = PromoteTypes(lhs.DType, rhs.DType);
        var parameters = new ConvParams([.. windowStrides], pads, [.. lhsD], [.. rhsD], featureGroupCount);
        return Bind(Primitive.ConvGeneralDilated, parameters, lhs.Cast(dtype), rhs.Cast(dtype));
    }

    /// <summary>
    /// The maximum over windows (<c>lax.reduce_window(x, -inf, lax.max, window_dimensions, window_strides,
    /// padding)</c>; max pooling with <c>(1, window..., 1)</c>): one window size and stride per axis; padding counts as
    /// -inf.
    /// </summary>
    /// <exception cref="ArgumentException">The lists do not have one entry per axis, or a window leaves the dynamic axis.</exception>
    public Tensor ReduceWindowMax(int[] windowDimensions, int[] windowStrides, Padding padding) =>
        ReduceWindow(Primitive.ReduceWindowMax, windowDimensions, windowStrides, padding);

    /// <summary>
    /// The sum over windows (<c>lax.reduce_window(x, 0, lax.add, ...)</c>; sum pooling, and average pooling after a
    /// division by the window size): one window size and stride per axis; padding counts as 0.
    /// </summary>
    /// <exception cref="ArgumentException">The lists do not have one entry per axis, or a window leaves the dynamic axis.</exception>
    public Tensor ReduceWindowSum(int[] windowDimensions, int[] windowStrides, Padding padding) =>
        ReduceWindow(Primitive.ReduceWindowSum, windowDimensions, windowStrides, padding);

    private Tensor ReduceWindow(Primitive primitive, int[] windowDimensions, int[] windowStrides, Padding padding)
    {
        ArgumentNullException.ThrowIfNull(windowDimensions);
        ArgumentNullException.ThrowIfNull(windowStrides);
        ArgumentNullException.ThrowIfNull(padding);
        if (windowDimensions.Length != Rank || windowStrides.Length != Rank)
            throw new ArgumentException($"{primitive.Name()} needs one window size and stride per axis of shape {Shapes.Format(Shape)}, got window_dimensions {Shapes.Format(windowDimensions)} and window_strides {Shapes.Format(windowStrides)}.");
        var pads = padding.Resolve(Type.Dims.AsSpan(), windowDimensions, windowStrides);
        return Bind(primitive, new ReduceWindowParams([.. windowDimensions], [.. windowStrides], pads), this);
    }
}
