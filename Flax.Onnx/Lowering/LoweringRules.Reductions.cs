namespace Flax;

internal static partial class LoweringRules
{
    /// <summary><c>lax.reduce_sum</c>: ReduceSum with the axes as an input (opset 13) and <c>keepdims=0</c>;
    /// Identity for no axes (ONNX would reduce them all).</summary>
    private static string ReduceSum(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var axes = ((ReduceParams)eqn.Params).Axes;
        if (axes.IsEmpty) return g.Node("Identity", inputs[0], output);
        return g.Node("ReduceSum", [inputs[0], g.Int64s(axes)], output, OnnxAttributes.Int("keepdims", 0));
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
