namespace Flax;

internal static partial class LoweringRules
{
    /// <summary><c>x != y</c>: Not(Equal).</summary>
    private static string Ne(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("Not", g.Node("Equal", inputs), output);

    /// <summary><c>1 / sqrt(x)</c>: Reciprocal(Sqrt).</summary>
    private static string Rsqrt(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("Reciprocal", g.Node("Sqrt", inputs[0]), output);

    /// <summary>
    /// <c>log(1 + x)</c> without ONNX's missing Log1p, accurate near 0 (Goldberg's identity): with <c>u = 1 + x</c>,
    /// <c>x</c> where <c>u == 1</c>, else <c>x * log(u) / (u - 1)</c>. Emits Add, Sub, Equal, Log, Mul, Div, Where.
    /// </summary>
    private static string Log1p(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var x = inputs[0];
        var one = g.Constant(NDArray.Full(In(eqn).DType, 1.0));
        var u = g.Node("Add", [x, one]);
        var um1 = g.Node("Sub", [u, one]);
        var ratio = g.Node("Div", [g.Node("Mul", [x, g.Node("Log", u)]), um1]);
        return g.Node("Where", [g.Node("Equal", [u, one]), x, ratio], output);
    }

    /// <summary>
    /// <c>lax.convert_element_type</c>: Cast; to bool as <c>x != 0</c> (Cast's own rule), floats to integers
    /// truncating toward zero.
    /// </summary>
    private static string ConvertElementType(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("Cast", inputs[0], output, OnnxAttributes.Int("to", (long)OnnxTypes.DataType(Out(eqn).DType)));
}
