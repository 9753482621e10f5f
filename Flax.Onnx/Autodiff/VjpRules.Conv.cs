namespace Flax;

internal static partial class VjpRules
{
    /// <summary><c>conv_general_dilated</c>: see <see cref="ConvTransposeLhs"/> and <see cref="ConvTransposeRhs"/>.</summary>
    private static Var?[] Conv(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var p = (ConvParams)e.Params;
        return
        [
            needed[0] ? ConvTransposeLhs(b, p, e.Inputs[0].Type, e.Inputs[1], ct) : null,
            needed[1] ? ConvTransposeRhs(b, p, e.Inputs[0], e.Inputs[1].Type, ct) : null,
        ];
    }

    /// <summary>
    /// The input's cotangent (JAX's <c>_conv_general_dilated_transpose_lhs</c>): a convolution of the cotangent, dilated
    /// by the forward strides, with the kernel flipped in space and its channel axes exchanged group by group; its
    /// strides are the forward input dilation, and its padding makes the result the input's size.
    /// </summary>
    private static Var ConvTransposeLhs(GradBuilder b, ConvParams p, TensorType lhs, Var rhs, Var ct)
    {
        var window = rhs.Type.Dims;
        int n = window.Length - 2, groups = p.FeatureGroupCount;
        int channelsPerGroup = window[n], outPerGroup = window[n + 1] / groups, channels = lhs.Dims[^1];
        var spatial = window.Take(n).ToArray();
        // (window..., C/G, O) -> (window..., O/G, C): kernel [k, o', g*C/G + c] = rhs [k, c, g*O/G + o'].
        var split = b.Reshape(rhs, spatial.Concat([channelsPerGroup, groups, outPerGroup]));
        var swapped = b.Transpose(split, Enumerable.Range(0, n).Concat([n + 2, n + 1, n]));
        var kernel = b.Reshape(swapped, spatial.Concat([outPerGroup, channels]));
        for (int a = 0; a < n; a++) kernel = Reverse(b, kernel, a);

        var padding = new (int Low, int High)[n];
        for (int i = 0; i < n; i++)
        {
            int lhsDilated = ShapeInference.Dilated(lhs.Dims[i + 1], p.LhsDilation[i]);
            int rhsDilated = ShapeInference.Dilated(window[i], p.RhsDilation[i]);
            int outDilated = ShapeInference.Dilated(ct.Type.Dims[i + 1], p.WindowStrides[i]);
            int before = rhsDilated - p.Padding[i].Low - 1;
            padding[i] = (before, lhsDilated + rhsDilated - 1 - outDilated - before);
        }
        var transposed = new ConvParams(p.LhsDilation, [.. padding], p.WindowStrides, p.RhsDilation, groups);
        return b.Emit(Primitive.ConvGeneralDilated, transposed, ct, kernel);
    }

    /// <summary>
    /// The kernel's cotangent: <c>ct_w[k, c, o] = sum over n, p of patch_k[n, p, c] * ct[n, p, o]</c>, where
    /// <c>patch_k</c> is the strided slice of the dilated, padded input that window position <c>k</c> reads (im2col),
    /// contracted with the cotangent in one <c>dot_general</c>; the batch size may be dynamic. Without feature groups
    /// the input is transposed once to <c>(C, N, spatial...)</c>, so the patches concatenate on the leading axis
    /// (contiguous copies) into <c>(K*C, N, out spatial...)</c>, already the product's row order: one MatMul, no
    /// transpose of the columns or the cotangent. With groups the patches concatenate on the channel axis and the
    /// groups are a batch axis of the product.
    /// </summary>
    private static Var ConvTransposeRhs(GradBuilder b, ConvParams p, Var lhs, TensorType rhs, Var ct)
    {
        var window = rhs.Dims;
        int n = window.Length - 2, groups = p.FeatureGroupCount;
        int channelsPerGroup = window[n], outFeatures = window[n + 1];
        var spatial = window.Take(n).ToArray();
        var input = PaddedInput(b, p, lhs, n);
        bool channelsFirst = groups == 1;
        if (channelsFirst) input = b.Transpose(input, [n + 1, 0, .. Enumerable.Range(1, n)]);
        int first = channelsFirst ? 2 : 1;

        var outDims = ct.Type.Dims;
        var patches = new List<Var>();
        foreach (var k in WindowPositions(spatial))
        {
            var start = new int[n + 2];
            var limit = input.Type.Dims.ToArray();
            var strides = GradBuilder.Ones(n + 2);
            for (int i = 0; i < n; i++)
            {
                start[i + first] = k[i] * p.RhsDilation[i];
                limit[i + first] = start[i + first] + ShapeInference.Dilated(outDims[i + 1], p.WindowStrides[i]);
                strides[i + first] = p.WindowStrides[i];
            }
            patches.Add(b.Slice(input, start, limit, strides));
        }
        var columns = patches.Count == 1 ? patches[0] : b.Emit(Primitive.Concatenate, new AxisParams(channelsFirst ? 0 : n + 1), [.. patches]);
        var summed = Enumerable.Range(0, n + 1).ToArray();
        if (channelsFirst)
        {
            var contracted = Enumerable.Range(1, n + 1).ToArray();
            var product = b.Emit(Primitive.DotGeneral, new DotGeneralParams([.. contracted], [.. summed], [], []), columns, ct);  // (K*C, O)
            return b.Reshape(product, spatial.Concat([channelsPerGroup, outFeatures]));
        }
        var columnsGrouped = b.Reshape(columns, outDims.Take(n + 1).Concat([patches.Count, groups, channelsPerGroup]));
        var ctGrouped = b.Reshape(ct, outDims.Take(n + 1).Concat([groups, outFeatures / groups]));
        var grouped = b.Emit(Primitive.DotGeneral, new DotGeneralParams([.. summed], [.. summed], [n + 1], [n + 2]), ctGrouped, columnsGrouped);
        var ordered = b.Transpose(grouped, [2, 3, 0, 1]);                            // (G, O/G, K, C/G) -> (K, C/G, G, O/G)
        return b.Reshape(ordered, spatial.Concat([channelsPerGroup, outFeatures]));
    }

    /// <summary>The convolution's input dilated by <c>LhsDilation</c> and padded (or cut, where negative) by
    /// <c>Padding</c>: the array the windows slide over.</summary>
    private static Var PaddedInput(GradBuilder b, ConvParams p, Var lhs, int n)
    {
        var x = lhs;
        for (int i = 0; i < n; i++) x = b.Dilate(x, i + 1, p.LhsDilation[i]);
        var low = new int[n + 2];
        var high = new int[n + 2];
        for (int i = 0; i < n; i++) (low[i + 1], high[i + 1]) = (Math.Max(0, p.Padding[i].Low), Math.Max(0, p.Padding[i].High));
        x = b.Pad(x, low, high, 0);
        var start = new int[n + 2];
        var limit = x.Type.Dims.ToArray();
        for (int i = 0; i < n; i++)
        {
            start[i + 1] = Math.Max(0, -p.Padding[i].Low);
            limit[i + 1] = Math.Max(start[i + 1], limit[i + 1] - Math.Max(0, -p.Padding[i].High));
        }
        return b.Slice(x, start, limit, GradBuilder.Ones(n + 2));
    }

    /// <summary>Every index of a window of <paramref name="sizes"/>, in C order.</summary>
    private static IEnumerable<int[]> WindowPositions(int[] sizes)
    {
        var index = new int[sizes.Length];
        int count = sizes.Aggregate(1, (a, s) => a * s);
        for (int i = 0; i < count; i++)
        {
            yield return (int[])index.Clone();
            for (int a = sizes.Length - 1; a >= 0 && ++index[a] == sizes[a]; a--) index[a] = 0;
        }
    }

    /// <summary><paramref name="x"/> with the static <paramref name="axis"/> in reverse order (a <c>take</c> of
    /// descending indices).</summary>
    private static Var Reverse(GradBuilder b, Var x, int axis)
    {
        int size = x.Type.Dims[axis];
        if (size <= 1) return x;
        var indices = b.Constant(NDArray.From(Enumerable.Range(0, size).Reverse().ToArray(), size));
        return b.Emit(Primitive.Take, new AxisParams(axis), x, indices);
    }
}
