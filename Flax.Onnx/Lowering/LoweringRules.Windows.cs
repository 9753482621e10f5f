using Flax.Lowering.Proto;

namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <c>lax.reduce_window</c> with max: MaxPool, whose padding never wins (like <c>-inf</c>). ONNX pools over the
    /// trailing axes of <c>(N, C, spatial...)</c>: the windowed axes move last (Transpose); the other axes become N
    /// and C, merged by a Reshape when there are not exactly two of them; the result is reshaped and transposed
    /// back. Dtypes other than float32 and float64 are pooled in float64 (float32 for 16-bit floats) and cast back. A
    /// padding as wide as its window is padded explicitly (<see cref="PoolLayout.Padded"/>), and the windows lying in
    /// it take the lowest value.
    /// </summary>
    private static string ReduceWindowMax(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ReduceWindowParams)eqn.Params;
        var layout = PoolLayout.Of(p, In(eqn), Out(eqn));
        if (layout is null) return g.Node("Identity", inputs[0], output);
        var x = g.Node("MaxPool", layout.Padded(g, layout.In(g, inputs[0], layout.Dims)), null, layout.Attributes(p));
        // MaxPool starts from the dtype's lowest finite value, so a window in the padding is set to JAX's lowest value.
        if (layout.WindowsInPadding(g, p) is { } inPadding) x = g.Node("Where", [inPadding, g.Constant(layout.Lowest), x]);
        return layout.Out(g, x, layout.OutDims, output);
    }

    /// <summary>
    /// <c>select_and_scatter_add</c> (max pooling's gradient) in one pass: MaxPool's <c>Indices</c> output says where
    /// each window's first maximum is (ONNX Runtime keeps the first of equal values in C order, like the primitive),
    /// and ScatterElements with <c>reduction=add</c> adds the source there into zeros of the operand's size, all on the
    /// flattened pooling layout of <see cref="ReduceWindowMax"/>; other disjoint float32 windows use MaxUnpool, which
    /// writes each value once. Windows that tile the operand exactly take <see cref="TiledSelectAndScatterAdd"/>.
    /// </summary>
    private static string SelectAndScatterAdd(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (ReduceWindowParams)eqn.Params;
        if (In(eqn).DType is DType.Float32 or DType.Float64 && TilingSplit(p, In(eqn, 1).Dims) is { } split)
            return TiledSelectAndScatterAdd(g, eqn, split, inputs, output);
        var layout = PoolLayout.Of(p, In(eqn, 1), In(eqn, 0));
        if (layout is null) return g.Node("Identity", inputs[0], output);
        var x = layout.Padded(g, layout.In(g, inputs[1], layout.Dims));
        var indices = g.Nodes("MaxPool", [x], 2, layout.Attributes(p))[1];
        // A window lying in the padding gets its first element as index (no element beats MaxPool's start), in the
        // padding: the crop drops its source, as JAX does.
        var source = layout.In(g, inputs[0], layout.OutDims);
        if (layout.Compute == DType.Float32 && Enumerable.Range(0, p.WindowDimensions.Length).All(a => p.WindowStrides[a] >= p.WindowDimensions[a]))
        {
            // Disjoint windows select each element at most once: MaxUnpool writes the source at the indices.
            var unpooled = g.Node("MaxUnpool", [source, indices, g.Node("Shape", x)], null, layout.Attributes(p));
            return layout.Out(g, layout.Cropped(g, unpooled), layout.Dims, output);
        }
        source = g.Node("Reshape", [source, g.Int64s(-1)]);
        var flat = g.Node("Reshape", [x, g.Int64s(-1)]);
        var zeros = g.Node("Expand", [g.Constant(NDArray.Zeros(layout.Compute, 1)), g.Node("Shape", flat)]);
        var sum = g.Node("ScatterElements", [zeros, g.Node("Reshape", [indices, g.Int64s(-1)]), source], null,
            OnnxAttributes.Int("axis", 0), OnnxAttributes.String("reduction", "add"));
        return layout.Out(g, layout.Cropped(g, g.Node("Reshape", [sum, g.Node("Shape", x)])), layout.Dims, output);
    }

    /// <summary>
    /// <c>select_and_scatter_add</c> over windows that tile the operand exactly (no padding, strides equal to the
    /// windows, sizes divisible: the usual 2x2 pooling), in the operand's own layout, with no MaxPool <c>Indices</c>
    /// (which ONNX Runtime computes slowly): the operand is reshaped so that each windowed axis becomes (windows,
    /// window) and compared in one Equal with the pooled maxima (the forward pooling's nodes again, which ONNX
    /// Runtime's common-subexpression elimination merges with it); one Slice of that mask per window position and, in
    /// C order of positions, And/Or/Not keep the first position holding the maximum; the boolean parts are
    /// concatenated back along the window axes, and one Where hands each window's source to its position.
    /// </summary>
    private static string TiledSelectAndScatterAdd(GraphBuilder g, Eqn eqn, (int[] Split, int[] PerWindow, int[] WindowAxes) split,
        IReadOnlyList<string> inputs, string? output)
    {
        var x = g.Node("Reshape", [inputs[1], g.Shape(split.Split, minusOneInfers: true)]);
        var source = g.Node("Reshape", [inputs[0], g.Shape(split.PerWindow, minusOneInfers: true)]);
        var max = g.Node("Reshape", [ReduceWindowMax(g, eqn with { Inputs = [eqn.Inputs[1]], Outputs = [eqn.Inputs[0]] }, [inputs[1]], null),
            g.Shape(split.PerWindow, minusOneInfers: true)]);
        var isMax = g.Node("Equal", [x, max]);
        var sizes = split.WindowAxes.Select(a => split.Split[a]).ToArray();
        int positions = sizes.Aggregate(1, (a, b) => a * b);
        var axes = g.Int64s(split.WindowAxes);
        var parts = new List<string>();
        string? taken = null;
        foreach (var k in Positions(sizes))
        {
            var here = g.Node("Slice", [isMax, g.Int64s(k), g.Int64s(k.Select(i => i + 1)), axes]);
            parts.Add(taken is null ? here : g.Node("And", [here, g.Node("Not", [taken])]));
            if (parts.Count < positions) taken = taken is null ? here : g.Node("Or", [taken, here]);
        }
        for (int j = sizes.Length - 1; j >= 0; j--)
            parts = [.. parts.Chunk(sizes[j]).Select(c => g.Node("Concat", c, null, OnnxAttributes.Int("axis", split.WindowAxes[j])))];
        var scattered = g.Node("Where", [parts[0], source, g.Constant(NDArray.Zeros(In(eqn).DType))]);
        return g.Node("Reshape", [scattered, g.Shape(In(eqn, 1).Dims, minusOneInfers: true)], output);
    }

    /// <summary>For windows that tile an operand of <paramref name="dims"/> exactly (static windowed axes): the dims
    /// with each windowed axis split into (windows, window), the source's dims in that rank (window axes of size 1),
    /// and the positions of the window axes; null otherwise.</summary>
    private static (int[] Split, int[] PerWindow, int[] WindowAxes)? TilingSplit(ReduceWindowParams p, IReadOnlyList<int> dims)
    {
        var windowed = Windowed(p);
        if (windowed.Length == 0 || windowed.Any(a => p.Padding[a] != (0, 0) || p.WindowStrides[a] != p.WindowDimensions[a]
            || dims[a] < 0 || dims[a] % p.WindowDimensions[a] != 0))
            return null;
        var (splitDims, perWindow, windowAxes) = (new List<int>(), new List<int>(), new List<int>());
        for (int a = 0; a < dims.Count; a++)
        {
            if (!windowed.Contains(a))
            {
                splitDims.Add(dims[a]);
                perWindow.Add(dims[a]);
                continue;
            }
            int w = p.WindowDimensions[a];
            splitDims.AddRange([dims[a] / w, w]);
            perWindow.AddRange([dims[a] / w, 1]);
            windowAxes.Add(splitDims.Count - 1);
        }
        return ([.. splitDims], [.. perWindow], [.. windowAxes]);
    }

    /// <summary>Every index of a window of <paramref name="sizes"/>, in C order.</summary>
    private static IEnumerable<int[]> Positions(int[] sizes) => sizes.Aggregate((IEnumerable<int[]>)[[]],
        (acc, size) => acc.SelectMany(prefix => Enumerable.Range(0, size).Select(o => (int[])[.. prefix, o])));

    /// <summary>
    /// How a windowed max maps onto ONNX's pooling over the trailing axes of <c>(N, C, spatial...)</c>: the windowed
    /// axes move last (Transpose); the other axes become N and C, merged by a Reshape when there are not exactly two of
    /// them; results are reshaped and transposed back. Dtypes other than float32 and float64 are pooled in float64
    /// (float32 for 16-bit floats) and cast back.
    /// </summary>
    private sealed class PoolLayout
    {
        private int[] _free = [], _windowed = [], _perm = [];
        private DType _dtype;
        private (int Low, int High)[] _padding = [];
        private bool _padsExplicitly;

        /// <summary>The operand's and the pooled dims.</summary>
        internal IReadOnlyList<int> Dims { get; private init; } = [];
        internal IReadOnlyList<int> OutDims { get; private init; } = [];

        /// <summary>The dtype the pooling runs in.</summary>
        internal DType Compute { get; private init; }

        /// <summary>The layout of a max over <paramref name="operand"/> giving <paramref name="pooled"/>; null when no
        /// axis is windowed.</summary>
        internal static PoolLayout? Of(ReduceWindowParams p, TensorType operand, TensorType pooled)
        {
            var windowed = Windowed(p);
            if (windowed.Length == 0) return null;
            var free = Enumerable.Range(0, operand.Rank).Except(windowed).ToArray();
            var dtype = operand.DType;
            return new PoolLayout
            {
                _free = free, _windowed = windowed, _perm = [.. free, .. windowed], _dtype = dtype,
                _padding = [.. windowed.Select(a => p.Padding[a])],
                _padsExplicitly = windowed.Any(a => p.Padding[a].Low >= p.WindowDimensions[a] || p.Padding[a].High >= p.WindowDimensions[a]),
                Dims = operand.Dims, OutDims = pooled.Dims,
                Compute = dtype is DType.Float32 or DType.Float64 ? dtype : dtype is DType.Float16 or DType.BFloat16 ? DType.Float32 : DType.Float64,
            };
        }

        /// <summary>MaxPool's kernel_shape, strides and pads (none when <see cref="Padded"/> pads).</summary>
        internal AttributeProto[] Attributes(ReduceWindowParams p) =>
        [
            OnnxAttributes.Ints("kernel_shape", _windowed.Select(a => p.WindowDimensions[a])),
            OnnxAttributes.Ints("strides", _windowed.Select(a => p.WindowStrides[a])),
            OnnxAttributes.Ints("pads", _padsExplicitly ? new int[2 * _windowed.Length] : _padding.Select(q => q.Low).Concat(_padding.Select(q => q.High))),
        ];

        /// <summary>The value a window lying in the padding takes, in <see cref="Compute"/>: -inf for floats, the dtype's
        /// lowest value for integers (as JAX's max identity).</summary>
        internal NDArray Lowest
        {
            get
            {
                double lowest = _dtype switch
                {
                    DType.Int8 => sbyte.MinValue, DType.Int16 => short.MinValue, DType.Int32 => int.MinValue, DType.Int64 => long.MinValue,
                    DType.UInt8 or DType.UInt16 or DType.UInt32 or DType.UInt64 or DType.Bool => 0,
                    _ => double.NegativeInfinity,
                };
                return Compute == DType.Float32 ? NDArray.Scalar((float)lowest) : NDArray.Scalar(lowest);
            }
        }

        /// <summary>
        /// The operand <paramref name="x"/> (from <see cref="In"/>) padded with <see cref="Lowest"/> when a padding is as
        /// wide as its window, which ONNX Runtime's MaxPool refuses; otherwise <paramref name="x"/>.
        /// </summary>
        internal string Padded(GraphBuilder g, string x) => !_padsExplicitly ? x
            : g.Node("Pad", [x, g.Int64s([0, 0, .. _padding.Select(q => (long)q.Low), 0, 0, .. _padding.Select(q => (long)q.High)]), g.Constant(Lowest)]);

        /// <summary>A boolean constant of the pooled layout's shape <c>(1, 1, windows...)</c>, true at the windows that
        /// lie wholly in the padding; null when there are none (or a windowed axis is dynamic).</summary>
        internal string? WindowsInPadding(GraphBuilder g, ReduceWindowParams p)
        {
            if (!_padsExplicitly || _windowed.Any(a => Dims[a] < 0 || OutDims[a] < 0)) return null;
            var windows = _windowed.Select(a => OutDims[a]).ToArray();
            var mask = new bool[windows.Aggregate(1, (n, d) => n * d)];
            for (int i = 0; i < mask.Length; i++)
            {
                for (int k = windows.Length - 1, rest = i; k >= 0; rest /= windows[k], k--)
                {
                    int a = _windowed[k], start = rest % windows[k] * p.WindowStrides[a] - p.Padding[a].Low;
                    mask[i] |= start + p.WindowDimensions[a] <= 0 || start >= Dims[a];
                }
            }
            return mask.Contains(true) ? g.Constant(NDArray.From(mask, [1, 1, .. windows])) : null;
        }

        /// <summary>The inverse of <see cref="Padded"/>: <paramref name="x"/> of the padded operand's shape with the
        /// padding sliced off.</summary>
        internal string Cropped(GraphBuilder g, string x)
        {
            if (!_padsExplicitly) return x;
            var axes = Enumerable.Range(2, _windowed.Length).ToArray();
            return g.Node("Slice", [x, g.Int64s(_padding.Select(q => (long)q.Low).ToArray()),
                g.Int64s(_padding.Select(q => q.High == 0 ? long.MaxValue : -q.High).ToArray()), g.Int64s(axes)]);
        }

        private bool Identity => _perm.SequenceEqual(Enumerable.Range(0, _perm.Length));
        private bool Merge => _free.Length != 2;

        /// <summary><paramref name="x"/> (of <paramref name="dims"/>) cast, transposed and merged into <c>(N, C, spatial...)</c>.</summary>
        internal string In(GraphBuilder g, string x, IReadOnlyList<int> dims)
        {
            if (Compute != _dtype) x = Cast(g, x, Compute);
            if (!Identity) x = g.Node("Transpose", x, null, OnnxAttributes.Ints("perm", _perm));
            if (Merge) x = g.Node("Reshape", [x, g.Shape([Product(dims, _free), 1, .. _windowed.Select(a => dims[a])], minusOneInfers: true)]);
            return x;
        }

        /// <summary>The inverse of <see cref="In"/> for a value of <paramref name="dims"/>, into <paramref name="output"/>.</summary>
        internal string Out(GraphBuilder g, string x, IReadOnlyList<int> dims, string? output)
        {
            bool cast = Compute != _dtype;
            if (Merge) x = g.Node("Reshape", [x, g.Shape([.. _free.Select(a => dims[a]), .. _windowed.Select(a => dims[a])], minusOneInfers: true)],
                Identity && !cast ? output : null);
            if (!Identity) x = g.Node("Transpose", x, cast ? null : output, OnnxAttributes.Ints("perm", Inverse(_perm)));
            if (cast) return Cast(g, x, _dtype, output);
            return output is null || x == output ? x : g.Node("Identity", x, output);
        }
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
        var offsets = Positions([.. windowed.Select(a => p.WindowDimensions[a])]);
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
