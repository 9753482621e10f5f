namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <c>lax.reduce_window</c> with max: MaxPool, whose padding never wins (like <c>-inf</c>). ONNX pools over the
    /// trailing axes of <c>(N, C, spatial...)</c>: the windowed axes move last (Transpose); the other axes become N
    /// and C, merged by a Reshape when there are not exactly two of them; the result is reshaped and transposed
    /// back. Dtypes other than float32 and float64 are pooled in float64 (float32 for 16-bit floats) and cast back.
    /// </summary>
    private static string ReduceWindowMax(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ReduceWindowParams)eqn.Params;
        var dims = In(eqn).Dims;
        var outDims = Out(eqn).Dims;
        var windowed = Windowed(p);
        if (windowed.Length == 0) return g.Node("Identity", inputs[0], output);
        var free = Enumerable.Range(0, dims.Length).Except(windowed).ToArray();
        int[] perm = [.. free, .. windowed];
        bool identity = perm.SequenceEqual(Enumerable.Range(0, perm.Length));

        var dtype = In(eqn).DType;
        var compute = dtype is DType.Float32 or DType.Float64 ? dtype : dtype is DType.Float16 or DType.BFloat16 ? DType.Float32 : DType.Float64;
        var x = compute == dtype ? inputs[0] : Cast(g, inputs[0], compute);
        if (!identity) x = g.Node("Transpose", x, null, OnnxAttributes.Ints("perm", perm));
        bool merge = free.Length != 2;
        if (merge) x = g.Node("Reshape", [x, g.Shape([Product(dims, free), 1, .. windowed.Select(a => dims[a])], minusOneInfers: true)]);
        x = g.Node("MaxPool", x, null,
            OnnxAttributes.Ints("kernel_shape", windowed.Select(a => p.WindowDimensions[a])),
            OnnxAttributes.Ints("strides", windowed.Select(a => p.WindowStrides[a])),
            OnnxAttributes.Ints("pads", windowed.Select(a => p.Padding[a].Low).Concat(windowed.Select(a => p.Padding[a].High))));
        if (merge) x = g.Node("Reshape", [x, g.Shape([.. free.Select(a => outDims[a]), .. windowed.Select(a => outDims[a])], minusOneInfers: true)]);
        if (!identity) x = g.Node("Transpose", x, compute == dtype ? output : null, OnnxAttributes.Ints("perm", Inverse(perm)));
        if (compute != dtype) return Cast(g, x, dtype, output);
        return output is null || x == output ? x : g.Node("Identity", x, output);
    }

    /// <summary>
    /// <c>lax.reduce_window</c> with add, in the operand's dtype: Pad the windowed axes with zeros, then Add up one
    /// strided Slice per window position (a 3x3 window is 9 slices). Exact for integers and float64, unlike ONNX
    /// Runtime's float-only AveragePool.
    /// </summary>
    private static string ReduceWindowSum(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ReduceWindowParams)eqn.Params;
        var outDims = Out(eqn).Dims;
        var windowed = Windowed(p);
        if (windowed.Length == 0) return g.Node("Identity", inputs[0], output);
        var x = inputs[0];
        if (windowed.Any(a => p.Padding[a] != (0, 0)))
            x = g.Node("Pad", [x, g.Int64s(p.Padding.Select(q => q.Low).Concat(p.Padding.Select(q => q.High))),
                g.Constant(NDArray.Zeros(In(eqn).DType))]);
        var axes = g.Int64s(windowed);
        var steps = g.Int64s(windowed.Select(a => p.WindowStrides[a]));
        var offsets = windowed.Aggregate((IEnumerable<int[]>)[[]],
            (acc, a) => acc.SelectMany(prefix => Enumerable.Range(0, p.WindowDimensions[a]).Select(o => (int[])[.. prefix, o])));
        string? sum = null;
        foreach (var offset in offsets)
        {
            var ends = windowed.Select((a, i) => offset[i] + (outDims[a] - 1) * p.WindowStrides[a] + 1);
            var slice = g.Node("Slice", [x, g.Int64s(offset), g.Int64s(ends), axes, steps]);
            sum = sum is null ? slice : g.Node("Add", [sum, slice]);
        }
        return g.Node("Identity", sum!, output);
    }

    /// <summary>The axes a window actually moves over (not window 1, stride 1, no padding).</summary>
    private static int[] Windowed(ReduceWindowParams p) => Enumerable.Range(0, p.WindowDimensions.Length)
        .Where(a => p.WindowDimensions[a] != 1 || p.WindowStrides[a] != 1 || p.Padding[a] != (0, 0)).ToArray();

    private static string Cast(GraphBuilder g, string x, DType to, string? output = null) =>
        g.Node("Cast", x, output, OnnxAttributes.Int("to", (long)OnnxTypes.DataType(to)));

    private static int[] Inverse(int[] perm)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return inverse;
    }
}
