namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <c>lax.conv_general_dilated</c> in NHWC/HWIO layout: Transpose the input to NCHW and the kernel to OIHW;
    /// dilate the input where <c>lhs_dilation &gt; 1</c> (per axis: Unsqueeze, Pad with zeros, Reshape, Slice);
    /// Slice off negative padding; Conv with the positive padding, <c>strides</c>, <c>dilations</c> (the kernel
    /// dilation) and <c>group</c>; Transpose back to NHWC. ONNX Runtime's CPU Conv is float32-only, so other float
    /// dtypes are computed in float32 and cast back (float64 convolutions lose precision to float32).
    /// </summary>
    private static string ConvGeneralDilated(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ConvParams)eqn.Params;
        var lhs = In(eqn, 0).Dims;
        int n = lhs.Length - 2;
        var dtype = In(eqn).DType;
        var (x, w) = (inputs[0], inputs[1]);
        if (dtype != DType.Float32) (x, w) = (Cast(g, x, DType.Float32), Cast(g, w, DType.Float32));

        x = g.Node("Transpose", x, null, OnnxAttributes.Ints("perm", [0, n + 1, .. Enumerable.Range(1, n)]));
        w = g.Node("Transpose", w, null, OnnxAttributes.Ints("perm", [n + 1, n, .. Enumerable.Range(0, n)]));
        var dims = new List<int> { lhs[0], lhs[n + 1] };
        dims.AddRange(lhs.Skip(1).Take(n));
        for (int k = 0; k < n; k++)
            if (p.LhsDilation[k] > 1) x = Dilate(g, x, dims, 2 + k, p.LhsDilation[k]);
        x = CropNegativePadding(g, x, dims, p.Padding);

        var pads = p.Padding.Select(q => Math.Max(q.Low, 0)).Concat(p.Padding.Select(q => Math.Max(q.High, 0)));
        var y = g.Node("Conv", [x, w], null,
            OnnxAttributes.Ints("strides", p.WindowStrides), OnnxAttributes.Ints("dilations", p.RhsDilation),
            OnnxAttributes.Ints("pads", pads), OnnxAttributes.Int("group", p.FeatureGroupCount));
        var back = OnnxAttributes.Ints("perm", [0, .. Enumerable.Range(2, n), 1]);
        if (dtype == DType.Float32) return g.Node("Transpose", y, output, back);
        return Cast(g, g.Node("Transpose", y, null, back), dtype, output);
    }

    /// <summary>
    /// <see cref="Primitive.ConvTranspose"/>: Transpose the input to NCHW and the forward kernel HWIO to OIHW (ONNX
    /// ConvTranspose's weight layout <c>(C_in, C_out / group, window...)</c>, as the forward Conv's; no flip, no channel
    /// exchange), one ConvTranspose with <c>strides</c>, <c>dilations</c>, <c>pads</c>, <c>output_padding</c> and
    /// <c>group</c>, Transpose back to NHWC. Other float dtypes than float32 are computed in float32 and cast back, as
    /// for <see cref="ConvGeneralDilated"/>.
    /// </summary>
    private static string ConvTranspose(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ConvTransposeParams)eqn.Params;
        int n = In(eqn).Rank - 2;
        var dtype = In(eqn).DType;
        var (x, w) = (inputs[0], inputs[1]);
        if (dtype != DType.Float32) (x, w) = (Cast(g, x, DType.Float32), Cast(g, w, DType.Float32));

        x = g.Node("Transpose", x, null, OnnxAttributes.Ints("perm", [0, n + 1, .. Enumerable.Range(1, n)]));
        w = g.Node("Transpose", w, null, OnnxAttributes.Ints("perm", [n + 1, n, .. Enumerable.Range(0, n)]));
        var y = g.Node("ConvTranspose", [x, w], null,
            OnnxAttributes.Ints("strides", p.Strides), OnnxAttributes.Ints("dilations", p.RhsDilation),
            OnnxAttributes.Ints("pads", p.Padding.Select(q => q.Low).Concat(p.Padding.Select(q => q.High))),
            OnnxAttributes.Ints("output_padding", p.OutputPadding), OnnxAttributes.Int("group", p.FeatureGroupCount));
        var back = OnnxAttributes.Ints("perm", [0, .. Enumerable.Range(2, n), 1]);
        if (dtype == DType.Float32) return g.Node("Transpose", y, output, back);
        return Cast(g, g.Node("Transpose", y, null, back), dtype, output);
    }

    /// <summary>Inserts <c>d - 1</c> zeros between the elements of <paramref name="axis"/>: size s becomes
    /// <c>(s - 1) * d + 1</c> (updated in <paramref name="dims"/>).</summary>
    private static string Dilate(GraphBuilder g, string x, List<int> dims, int axis, int d)
    {
        int s = dims[axis];
        var pads = new long[2 * (dims.Count + 1)];
        pads[dims.Count + 1 + axis + 1] = d - 1;
        var zero = g.Constant(NDArray.Zeros(DType.Float32));
        x = g.Node("Pad", [g.Node("Unsqueeze", [x, g.Int64s(axis + 1)]), g.Int64s(pads), zero]);
        var merged = dims.ToArray();
        merged[axis] = s * d;
        x = g.Node("Reshape", [x, g.Shape(merged, minusOneInfers: true)]);
        dims[axis] = (s - 1) * d + 1;
        return g.Node("Slice", [x, g.Int64s(0), g.Int64s(dims[axis]), g.Int64s(axis)]);
    }

    /// <summary>Slices off the negative (low, high) paddings of the spatial axes (updated in <paramref name="dims"/>).</summary>
    private static string CropNegativePadding(GraphBuilder g, string x, List<int> dims, IReadOnlyList<(int Low, int High)> padding)
    {
        var axes = Enumerable.Range(0, padding.Count).Where(k => padding[k].Low < 0 || padding[k].High < 0).ToArray();
        if (axes.Length == 0) return x;
        var starts = axes.Select(k => Math.Max(-padding[k].Low, 0)).ToArray();
        var ends = axes.Select(k => dims[2 + k] + Math.Min(padding[k].High, 0)).ToArray();
        for (int i = 0; i < axes.Length; i++) dims[2 + axes[i]] = Math.Max(ends[i] - starts[i], 0);
        return g.Node("Slice", [x, g.Int64s(starts), g.Int64s(ends), g.Int64s(axes.Select(k => 2 + k))]);
    }
}
