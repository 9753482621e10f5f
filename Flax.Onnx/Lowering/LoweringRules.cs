namespace Flax;

/// <summary>
/// Lowers one equation: adds the nodes that compute its output from <paramref name="inputs"/> (the ONNX names of
/// its operands) and returns the output's ONNX name, which is <paramref name="output"/> when that is given.
/// </summary>
internal delegate string LoweringRule(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output);

/// <summary>
/// The rule table of the ONNX lowering: one rule per <see cref="Primitive"/>, at opset 17. The rules live in the
/// partial files by family (element-wise, structural, dot, reductions and windows, convolution); each rule's
/// documentation names the ONNX operators it emits.
/// </summary>
internal static partial class LoweringRules
{
    private static readonly Dictionary<Primitive, LoweringRule> Table = Build();

    /// <summary>The rule for <paramref name="primitive"/>, or null when there is none.</summary>
    internal static LoweringRule? For(Primitive primitive) => Table.GetValueOrDefault(primitive);

    private static Dictionary<Primitive, LoweringRule> Build()
    {
        var table = new Dictionary<Primitive, LoweringRule>();
        AddElementwise(table);
        AddStructural(table);
        AddDot(table);
        AddReductions(table);
        AddWindows(table);
        AddConvolution(table);
        return table;
    }

    /// <summary>The operand type of input <paramref name="i"/>.</summary>
    private static TensorType In(Eqn eqn, int i = 0) => eqn.Inputs[i].Type;

    /// <summary>The output type.</summary>
    private static TensorType Out(Eqn eqn) => eqn.Outputs[0].Type;
}
