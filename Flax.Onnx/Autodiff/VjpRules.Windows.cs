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
        if (Tiles(p)) return [Tiled(b, p, e.Inputs[0], null, ct)];
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
    /// <c>reduce_window_max</c>: as <see cref="ReduceWindowSum"/>, but each window's cotangent goes to its first
    /// maximal element in C order (XLA's <c>select_and_scatter_add</c> with <c>ge</c>), so ties (common after a ReLU)
    /// are not counted twice.
    /// </summary>
    private static Var?[] ReduceWindowMax(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var p = (ReduceWindowParams)e.Params;
        var (x, result) = (e.Inputs[0], e.Outputs[0]);
        if (Tiles(p)) return [Tiled(b, p, x, result, ct)];
        var low = p.Padding.Select(q => q.Low).ToArray();
        var high = p.Padding.Select(q => q.High).ToArray();
        var padded = b.Pad(x, low, high, double.NegativeInfinity);
        var zero = b.Scalar(0, ct);
        Var? sum = null, taken = null;
        foreach (var k in WindowPositions([.. p.WindowDimensions]))
        {
            var limit = k.Select((start, a) => start + ShapeInference.Dilated(result.Type.Dims[a], p.WindowStrides[a])).ToArray();
            var isMax = b.Eq(b.Slice(padded, k, limit, [.. p.WindowStrides]), result);
            var chosen = taken is null ? isMax : b.Emit(Primitive.And, EqnParams.None, isMax, b.Emit(Primitive.Not, EqnParams.None, taken));
            taken = taken is null ? isMax : b.Emit(Primitive.Or, EqnParams.None, taken, isMax);
            var part = b.SliceTranspose(b.Select(chosen, ct, zero), padded.Type, k, [.. p.WindowStrides]);
            sum = sum is null ? part : b.Add(sum, part);
        }
        return [Unpad(b, p, sum!, x.Type)];
    }

    /// <summary>Whether the windows tile the operand: no padding and strides equal to the windows (the usual 2x2
    /// pooling), so that every element is in at most one window.</summary>
    private static bool Tiles(ReduceWindowParams p) =>
        p.Padding.All(q => q == (0, 0)) && p.WindowDimensions.SequenceEqual(p.WindowStrides);

    /// <summary>
    /// The cotangent of tiling windows without slices: the operand (cut to whole windows) is reshaped so that each
    /// axis of size <c>n * w</c> becomes <c>(n, w)</c>, and the cotangent, reshaped to <c>(n, 1)</c>, broadcasts over
    /// each window. For a maximum (<paramref name="result"/> given) it goes only to the first maximal element of each
    /// window in C order, found as the smallest window position whose value equals the result.
    /// </summary>
    private static Var Tiled(GradBuilder b, ReduceWindowParams p, Var x, Var? result, Var ct)
    {
        var dims = x.Type.Dims;
        var counts = ct.Type.Dims;
        int rank = dims.Length;
        var split = new List<int>();
        var perWindow = new List<int>();
        var windowAxes = new List<int>();
        var positions = new List<int>();
        int size = 1;
        for (int a = 0; a < rank; a++)
        {
            split.AddRange([counts[a], p.WindowDimensions[a]]);
            perWindow.AddRange([counts[a], 1]);
            windowAxes.Add(2 * a + 1);
            positions.AddRange([1, p.WindowDimensions[a]]);
            size *= p.WindowDimensions[a];
        }
        var used = Enumerable.Range(0, rank).Select(a => dims[a] < 0 ? -1 : counts[a] * p.WindowDimensions[a]).ToArray();
        var spread = b.BroadcastInDim(b.Reshape(ct, perWindow), split, Enumerable.Range(0, 2 * rank));
        if (result is not null)
        {
            var windows = b.Reshape(b.Slice(x, new int[rank], used, GradBuilder.Ones(rank)), split);
            var position = b.Constant(NDArray.From(Enumerable.Range(0, size).ToArray(), [.. positions]));
            var isMax = b.Eq(windows, b.Reshape(result, perWindow));
            var first = b.Emit(Primitive.ReduceMin, new ReduceParams([.. windowAxes]), b.Select(isMax, position, b.Scalar(size, DType.Int32, 2 * rank)));
            spread = b.Select(b.Eq(position, b.Reshape(first, perWindow)), spread, b.Scalar(0, spread));
        }
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
