namespace Flax;

internal static partial class LoweringRules
{
    private static void AddElementwise(Dictionary<Primitive, LoweringRule> table)
    {
        // One ONNX operator each, same operands: Add, Sub, Mul, Div (integers truncate toward zero, like lax.div),
        // Pow, Max, Min, Neg, Sign, Abs, Exp, Log, Tanh, Sigmoid, Sqrt, Erf, Equal, Less, LessOrEqual, Greater,
        // GreaterOrEqual, And, Or, Not, Where.
        foreach (var (primitive, op) in new (Primitive, string)[]
        {
            (Primitive.Add, "Add"), (Primitive.Sub, "Sub"), (Primitive.Mul, "Mul"), (Primitive.Div, "Div"),
            (Primitive.Pow, "Pow"), (Primitive.Max, "Max"), (Primitive.Min, "Min"), (Primitive.Neg, "Neg"),
            (Primitive.Sign, "Sign"), (Primitive.Abs, "Abs"), (Primitive.Exp, "Exp"), (Primitive.Log, "Log"),
            (Primitive.Tanh, "Tanh"), (Primitive.Logistic, "Sigmoid"), (Primitive.Sqrt, "Sqrt"), (Primitive.Erf, "Erf"),
            (Primitive.Eq, "Equal"), (Primitive.Lt, "Less"), (Primitive.Le, "LessOrEqual"), (Primitive.Gt, "Greater"),
            (Primitive.Ge, "GreaterOrEqual"), (Primitive.And, "And"), (Primitive.Or, "Or"), (Primitive.Not, "Not"),
            (Primitive.Select, "Where"),
        })
            table[primitive] = (g, _, inputs, output) => g.Node(op, inputs, output);

        table[Primitive.Ne] = Ne;
        table[Primitive.Rsqrt] = Rsqrt;
        table[Primitive.Log1p] = Log1p;
        table[Primitive.ConvertElementType] = ConvertElementType;
    }

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
