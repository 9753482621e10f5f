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
