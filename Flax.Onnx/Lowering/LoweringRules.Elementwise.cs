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
    /// <c>x * scale + shift</c> per feature (the last axis): one ONNX <c>BatchNormalization</c> (inference form) of x
    /// viewed as a matrix <c>(values per feature, features)</c>, with the scale and shift as its scale and bias, mean 0,
    /// variance 1 and epsilon 0, so that it computes exactly <c>x * scale + shift</c>: one pass over x where a Mul and an
    /// Add take two, and no transposes (moving the features to axis 1 instead cost a transpose either side wherever the
    /// producer was channels-last: the CNN's train step at batch 128 spent 7.8-8.1 ms per run in transposes that way,
    /// 2.9-3.3 ms this way).
    /// </summary>
    private static string ScaleShift(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var x = In(eqn);
        int rank = x.Rank, features = x.Dims[^1];
        var vector = g.Int64s(features);
        var scale = g.Node("Reshape", [inputs[1], vector]);
        var shift = g.Node("Reshape", [inputs[2], vector]);
        var mean = g.Constant(NDArray.Zeros(x.DType, features));
        var variance = g.Constant(NDArray.Full(x.DType, 1.0, features));
        var eps = OnnxAttributes.Float("epsilon", 0);
        if (rank == 2) return g.Node("BatchNormalization", [inputs[0], scale, shift, mean, variance], output, eps);
        var flat = g.Node("Reshape", [inputs[0], g.Int64s(-1, features)]);
        var y = g.Node("BatchNormalization", [flat, scale, shift, mean, variance], null, eps);
        return g.Node("Reshape", [y, g.Shape(x.Dims, minusOneInfers: true)], output);
    }

    /// <summary>
    /// <c>lax.convert_element_type</c>: Cast; to bool as <c>x != 0</c> (Cast's own rule), floats to integers
    /// truncating toward zero.
    /// </summary>
    private static string ConvertElementType(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("Cast", inputs[0], output, OnnxAttributes.Int("to", (long)OnnxTypes.DataType(Out(eqn).DType)));
}
