namespace Flax;

internal static partial class VjpRules
{
    /// <summary>
    /// <c>reduce_window_sum</c>: the padded operand's windows are strided slices <c>x_k</c>, one per window position
    /// <c>k</c>, and the result is <c>sum_k x_k</c>; so the cotangent is the sum of the slices' transposes, with the
    /// padding cut away.
    /// </summary>
    private static Var?[] ReduceWindowSum(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var p = (ReduceWindowParams)e.Params;
        if (Tiles(p)) return [Tiled(b, p, e.Inputs[0], ct)];
        var padded = PaddedWindowType(p, e.Inputs[0].Type);
        Var? sum = null;
        foreach (var k in WindowPositions([.. p.WindowDimensions]))
        {
            var part = b.SliceTranspose(ct, padded, k, [.. p.WindowStrides]);
            sum = sum is null ? part : b.Add(sum, part);
        }
        return [Unpad(b, p, sum!, e.Inputs[0].Type)];
    }

    /// <summary>
    /// <c>reduce_window_max</c>: each window's cotangent goes to its first maximal element in C order (XLA's
    /// <c>select_and_scatter_add</c> with <c>ge</c>, one primitive that lowers to MaxPool's indices and a scatter), so
    /// ties (common after a ReLU) are not counted twice.
    /// </summary>
    private static Var?[] ReduceWindowMax(GradBuilder b, Eqn e, Var ct, bool[] needed) =>
        [b.Emit(Primitive.SelectAndScatterAdd, e.Params, ct, e.Inputs[0])];

    /// <summary>
    /// <c>select_and_scatter_add</c> is linear in its source: the source's cotangent gathers the cotangent at each
    /// window's selected element (JAX's <c>_select_and_gather_add</c>), here as a sum over window positions <c>k</c>
    /// of the strided slice of the cotangent where position <c>k</c> is the window's first maximum. The operand only
    /// selects, so its cotangent is zero.
    /// </summary>
    private static Var?[] SelectAndScatterAdd(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var p = (ReduceWindowParams)e.Params;
        var (source, x) = (e.Inputs[0], e.Inputs[1]);
        Var? gathered = null;
        if (needed[0])
        {
            var result = b.Emit(Primitive.ReduceWindowMax, p, x);
            var low = p.Padding.Select(q => q.Low).ToArray();
            var high = p.Padding.Select(q => q.High).ToArray();
            var (padded, paddedCt) = (b.Pad(x, low, high, double.NegativeInfinity), b.Pad(ct, low, high, 0));
            var zero = b.Scalar(0, source);
            Var? taken = null;
            foreach (var k in WindowPositions([.. p.WindowDimensions]))
            {
                var limit = k.Select((start, a) => start + ShapeInference.Dilated(result.Type.Dims[a], p.WindowStrides[a])).ToArray();
                var isMax = b.Eq(b.Slice(padded, k, limit, [.. p.WindowStrides]), result);
                var chosen = taken is null ? isMax : b.Emit(Primitive.And, EqnParams.None, isMax, b.Emit(Primitive.Not, EqnParams.None, taken));
                taken = taken is null ? isMax : b.Emit(Primitive.Or, EqnParams.None, taken, isMax);
                var part = b.Select(chosen, b.Slice(paddedCt, k, limit, [.. p.WindowStrides]), zero);
                gathered = gathered is null ? part : b.Add(gathered, part);
            }
        }
        return [gathered, needed[1] ? Autodiff.Zeros(b, x.Type) : null];
    }

    /// <summary>Whether the windows tile the operand: no padding and strides equal to the windows (the usual 2x2
    /// pooling), so that every element is in at most one window.</summary>
    private static bool Tiles(ReduceWindowParams p) =>
        p.Padding.All(q => q == (0, 0)) && p.WindowDimensions.SequenceEqual(p.WindowStrides);

    /// <summary>
    /// The cotangent of a sum over tiling windows without slices: the cotangent, reshaped so that each axis of
    /// <c>n</c> windows becomes <c>(n, 1)</c>, broadcasts over each window's <c>(n, w)</c>, and is reshaped and padded
    /// back to the operand (whose elements past the last whole window get zero).
    /// </summary>
    private static Var Tiled(GradBuilder b, ReduceWindowParams p, Var x, Var ct)
    {
        var dims = x.Type.Dims;
        var counts = ct.Type.Dims;
        int rank = dims.Length;
        var split = new List<int>();
        var perWindow = new List<int>();
        for (int a = 0; a < rank; a++)
        {
            split.AddRange([counts[a], p.WindowDimensions[a]]);
            perWindow.AddRange([counts[a], 1]);
        }
        var used = Enumerable.Range(0, rank).Select(a => dims[a] < 0 ? -1 : counts[a] * p.WindowDimensions[a]).ToArray();
        var spread = b.BroadcastInDim(b.Reshape(ct, perWindow), split, Enumerable.Range(0, 2 * rank));
        var grad = b.Reshape(spread, used);
        var high = Enumerable.Range(0, rank).Select(a => dims[a] < 0 ? 0 : dims[a] - used[a]).ToArray();
        return b.Pad(grad, new int[rank], high, 0);
    }

    /// <summary>The type of the operand after the window padding.</summary>
    private static TensorType PaddedWindowType(ReduceWindowParams p, TensorType operand) =>
        new(operand.DType, operand.Dims.Select((d, a) => d < 0 ? d : d + p.Padding[a].Low + p.Padding[a].High).ToArray());

    /// <summary>The cotangent of the padded operand cut back to the operand.</summary>
    private static Var Unpad(GradBuilder b, ReduceWindowParams p, Var ct, TensorType operand)
    {
        var start = p.Padding.Select(q => q.Low).ToArray();
        var limit = start.Select((s, a) => s + operand.Dims[a]).ToArray();
        return b.Slice(ct, start, limit, GradBuilder.Ones(start.Length));
    }
}
