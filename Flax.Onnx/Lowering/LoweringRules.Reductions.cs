namespace Flax;

internal static partial class LoweringRules
{
    /// <summary><c>lax.reduce_sum</c>: ReduceSum with the axes as an input (opset 13) and <c>keepdims=0</c>;
    /// Identity for no axes (ONNX would reduce them all). A sum over leading axes <c>0..k-1</c> (k at least 2) that
    /// keeps trailing ones, such as a batch norm's per-channel sum over NHWC, first sums axes <c>1..k-1</c> and then
    /// axis 0: ONNX Runtime splits its one-step form of that pattern across threads by the kept columns, which on two
    /// threads made it 4-5 times slower than on one, while the two steps divide the first (and only large) one by rows.</summary>
    private static string ReduceSum(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var axes = ((ReduceParams)eqn.Params).Axes;
        if (axes.IsEmpty) return g.Node("Identity", inputs[0], output);
        var keepDims = OnnxAttributes.Int("keepdims", 0);
        if (axes.Length >= 2 && axes.Length < In(eqn).Rank && axes.SequenceEqual(Enumerable.Range(0, axes.Length)))
            return g.Node("ReduceSum", [g.Node("ReduceSum", [inputs[0], g.Int64s(axes[1..])], null, keepDims), g.Int64s(0)], output, keepDims);
        return g.Node("ReduceSum", [inputs[0], g.Int64s(axes)], output, keepDims);
    }

    /// <summary><c>lax.reduce_max</c> / <c>reduce_min</c>: ReduceMax / ReduceMin with the axes as an attribute (opset
    /// 17) and <c>keepdims=0</c>; Identity for no axes.</summary>
    private static string ReduceWithAttribute(GraphBuilder g, string op, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var axes = ((ReduceParams)eqn.Params).Axes;
        if (axes.IsEmpty) return g.Node("Identity", inputs[0], output);
        return g.Node(op, inputs[0], output, OnnxAttributes.Ints("axes", axes), OnnxAttributes.Int("keepdims", 0));
    }
}
