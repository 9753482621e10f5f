namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <c>lax.conv_general_dilated</c> in NHWC/HWIO layout: Transpose the input to NCHW and the kernel to OIHW;
    /// dilate the input where <c>lhs_dilation &gt; 1</c> (per axis: Unsqueeze, Pad with zeros, Reshape, Slice);
    /// Slice off negative padding; Conv with the positive padding, <c>strides</c>, <c>dilations</c> (the kernel
    /// dilation) and <c>group</c>; Transpose back to NHWC. ONNX Runtime's CPU Conv is float32-only, so other float
    /// dtypes are computed in float32 and cast back (float64 convolutions lose precision to float32). Where the graph
    /// may use ONNX Runtime's blocked CPU convolutions (<see cref="GraphBuilder.NchwcBlock"/>, see <see cref="Blocked"/>)
    /// and nothing needs the input dilated or cropped, one of those instead (<see cref="NchwcConv"/>), or for fewer
    /// input channels than a block in a small window, one GEMM over the patches (<see cref="Im2ColConv"/>).
    /// </summary>
    private static string ConvGeneralDilated(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ConvParams)eqn.Params;
        var lhs = In(eqn, 0).Dims;
        int n = lhs.Length - 2;
        var dtype = In(eqn).DType;
        var (x, w) = (inputs[0], inputs[1]);
        var kernel = In(eqn, 1).Dims;
        if (Blocked(g, dtype, n, p.FeatureGroupCount, lhs[n + 1], kernel[n + 1]) is > 0 and var block
            && p.LhsDilation.All(d => d == 1) && p.Padding.All(q => q.Low >= 0 && q.High >= 0))
        {
            var (i, o) = (kernel[2], kernel[3]);
            if (i < block && kernel[0] * kernel[1] * i <= Im2ColLimit && Out(eqn).Dims.Skip(1).All(d => d >= 0))
                return Im2ColConv(g, x, w, kernel, Out(eqn).Dims, p, output);
            return i % block == 0
                // HWIO viewed as (kh, kw, I/B, Bi, O/B, Bo), reordered to the blocked OIhwBiBo; the input reordered too.
                ? NchwcConv(g, x, BlockedKernel(g, w, [kernel[0], kernel[1], i / block, block, o / block, block], [4, 2, 0, 1, 3, 5], o, i),
                    o, p.Padding, p.WindowStrides, p.RhsDilation, output)
                // Fewer input channels than a block: the input stays NCHW and the kernel is OIhwBo, from (kh, kw, I, O/B, Bo).
                : NchwcConv(g, g.Node("Transpose", x, null, OnnxAttributes.Ints("perm", [0, 3, 1, 2])),
                    BlockedKernel(g, w, [kernel[0], kernel[1], i, o / block, block], [3, 2, 0, 1, 4], o, i),
                    o, p.Padding, p.WindowStrides, p.RhsDilation, output, reorderInput: false);
        }
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
    /// for <see cref="ConvGeneralDilated"/>. With stride 1, no dilation and whole blocks of channels both ways, a blocked
    /// CPU convolution of the flipped kernel where the graph may use them (<see cref="GraphBuilder.NchwcBlock"/>).
    /// </summary>
    private static string ConvTranspose(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ConvTransposeParams)eqn.Params;
        int n = In(eqn).Rank - 2;
        var dtype = In(eqn).DType;
        var (x, w) = (inputs[0], inputs[1]);
        var kernel = In(eqn, 1).Dims;
        if (Blocked(g, dtype, n, p.FeatureGroupCount, kernel[n + 1], kernel[n]) is > 0 and var block && kernel[n + 1] % block == 0
            && p.Strides.All(s => s == 1) && p.RhsDilation.All(d => d == 1) && p.OutputPadding.All(o => o == 0)
            && p.Padding.Select((q, k) => (q, k)).All(e => e.q.Low < kernel[e.k] && e.q.High < kernel[e.k]))
        {
            // With stride 1 the transposed convolution is the convolution by the spatially flipped kernel with input and
            // output channels exchanged, padded k - 1 - p: the flipped HWIO viewed as (kh, kw, O'/B, Bo, I'/B, Bi), where
            // the forward kernel's input channels are this convolution's outputs O', reordered to OIhwBiBo.
            var flipped = g.Node("Slice", [w, g.Int64s(-1, -1), g.Int64s(long.MinValue, long.MinValue), g.Int64s(0, 1), g.Int64s(-1, -1)]);
            var blocked = BlockedKernel(g, flipped, [kernel[0], kernel[1], kernel[2] / block, block, kernel[3] / block, block], [2, 4, 0, 1, 5, 3], kernel[2], kernel[3]);
            var padding = p.Padding.Select((q, k) => (kernel[k] - 1 - q.Low, kernel[k] - 1 - q.High)).ToArray();
            return NchwcConv(g, x, blocked, kernel[2], padding, [1, 1], [1, 1], output);
        }
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

    /// <summary>
    /// The channel block <see cref="GraphBuilder.NchwcBlock"/> when a 2-D float32 convolution without groups from
    /// <paramref name="inputChannels"/> (whole blocks, or fewer than one block) to <paramref name="outputChannels"/> (whole
    /// blocks) can run as ONNX Runtime's blocked CPU convolution; otherwise 0.
    /// </summary>
    private static int Blocked(GraphBuilder g, DType dtype, int spatialRank, int groups, int inputChannels, int outputChannels) =>
        g.NchwcBlock > 0 && dtype == DType.Float32 && spatialRank == 2 && groups == 1
            && (inputChannels % g.NchwcBlock == 0 || inputChannels < g.NchwcBlock) && outputChannels % g.NchwcBlock == 0 ? g.NchwcBlock : 0;

    /// <summary>The 2-D kernel <paramref name="w"/> (HWIO) in a blocked order of ONNX Runtime's blocked convolution, as a
    /// tensor of shape <c>(O, I, kh, kw)</c>: viewed as <paramref name="view"/>, transposed by <paramref name="perm"/> to
    /// <c>(O/B, I/B, kh, kw, Bi, Bo)</c> (<c>OIhwBiBo</c>) or <c>(O/B, I, kh, kw, Bo)</c> (<c>OIhwBo</c>).</summary>
    private static string BlockedKernel(GraphBuilder g, string w, int[] view, int[] perm, int outputChannels, int inputChannels)
    {
        var blocked = g.Node("Transpose", g.Node("Reshape", [w, g.Int64s(view)]), null, OnnxAttributes.Ints("perm", perm));
        return g.Node("Reshape", [blocked, g.Int64s(outputChannels, inputChannels, view[0], view[1])]);
    }

    /// <summary>ONNX Runtime's blocked CPU convolution of <paramref name="x"/> by the blocked kernel (see
    /// <see cref="BlockedKernel"/>) with <paramref name="outputChannels"/> channels: <c>ReorderInput</c> from channels-last
    /// (when <paramref name="reorderInput"/>; otherwise x is NCHW with fewer channels than a block), <c>Conv</c>, and
    /// <c>ReorderOutput</c> to channels-last. The reorders take the place of the transposes around a standard <c>Conv</c>.</summary>
    private static string NchwcConv(GraphBuilder g, string x, string kernel, int outputChannels, IReadOnlyList<(int Low, int High)> padding,
        IReadOnlyList<int> strides, IReadOnlyList<int> dilations, string? output, bool reorderInput = true)
    {
        if (reorderInput) x = g.DomainNodes(NchwcBlock.Domain, "ReorderInput", [x], [null], OnnxAttributes.Int("channels_last", 1))[0];
        var y = g.DomainNodes(NchwcBlock.Domain, "Conv", [x, kernel], [null],
            OnnxAttributes.Ints("strides", strides), OnnxAttributes.Ints("dilations", dilations),
            OnnxAttributes.Ints("pads", padding.Select(q => q.Low).Concat(padding.Select(q => q.High))))[0];
        return g.DomainNodes(NchwcBlock.Domain, "ReorderOutput", [y], [output],
            OnnxAttributes.Int("channels", outputChannels), OnnxAttributes.Int("channels_last", 1))[0];
    }

    /// <summary>The most values (window positions times input channels) a window of <see cref="Im2ColConv"/> holds.</summary>
    private const int Im2ColLimit = 32;

    /// <summary>
    /// A 2-D convolution with few input channels (a first layer) as one GEMM over its patches, in the input's own
    /// channels-last layout: the input padded and transposed to <c>(C, N, H, W)</c> (small, C being few), one strided
    /// Slice per window position concatenated on the leading axis into the columns <c>(kh * kw * C, N * out
    /// positions)</c>, and Gemm with <c>transA</c> against the HWIO kernel viewed as <c>(kh * kw * C, O)</c>, which gives
    /// the output channels-last. The blocked convolution of such an input writes blocked channels that ONNX Runtime
    /// turns back to channels-last on one thread (<c>ReorderOutput</c>). These are the nodes of the kernel gradient's
    /// patches (<see cref="VjpRules"/>: pad, transpose, slices, concat, with the same constants), which ONNX Runtime's
    /// common-subexpression elimination then computes once for both. In the Fashion-MNIST train step at batch 128 the
    /// first convolution and its kernel gradient take 1.8 ms against 4.0 ms (with <see cref="ContractionChunks"/>).
    /// </summary>
    private static string Im2ColConv(GraphBuilder g, string x, string w, IReadOnlyList<int> kernel,
        IReadOnlyList<int> outDims, ConvParams p, string? output)
    {
        if (p.Padding.Any(q => q != (0, 0)))
            x = g.Node("Pad", [x, g.Int64s(0, p.Padding[0].Low, p.Padding[1].Low, 0, 0, p.Padding[0].High, p.Padding[1].High, 0),
                g.Constant(NDArray.Zeros(DType.Float32))]);
        x = g.Node("Transpose", x, null, OnnxAttributes.Ints("perm", [3, 0, 1, 2]));
        var patches = new List<string>();
        for (int ky = 0; ky < kernel[0]; ky++)
            for (int kx = 0; kx < kernel[1]; kx++)
            {
                long top = ky * p.RhsDilation[0], left = kx * p.RhsDilation[1];
                patches.Add(g.Node("Slice", [x, g.Int64s(top, left),
                    g.Int64s(top + (outDims[1] - 1) * p.WindowStrides[0] + 1, left + (outDims[2] - 1) * p.WindowStrides[1] + 1),
                    g.Int64s(2, 3), g.Int64s(p.WindowStrides[0], p.WindowStrides[1])]));
            }
        int rows = kernel[0] * kernel[1] * kernel[2];
        var columns = g.Node("Reshape", [patches.Count == 1 ? patches[0] : g.Node("Concat", patches, null, OnnxAttributes.Int("axis", 0)),
            g.Int64s(rows, -1)]);
        var y = g.Node("Gemm", [columns, g.Node("Reshape", [w, g.Int64s(rows, kernel[3])])], null, OnnxAttributes.Int("transA", 1));
        return g.Node("Reshape", [y, g.Shape(outDims, minusOneInfers: true)], output);
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
