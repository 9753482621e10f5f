using Flax.Lowering.Proto;

namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <see cref="Primitive.While"/>: one ONNX <c>Loop</c> without a trip count. The condition is lowered once before
    /// the loop, on the initial carry (the <c>Loop</c>'s <c>cond</c> input), and again at the end of the body, on the
    /// new carry (the body's <c>cond_out</c>). The carry is the loop-carried state; the consts are not: the body
    /// subgraph reads them, like the shared constants and the batch size, by name from the outer graph (ONNX's outer
    /// scope), so nothing is copied per iteration.
    /// </summary>
    private static IReadOnlyList<string> While(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, IReadOnlyList<string?> outputs)
    {
        var w = (WhileParams)eqn.Params;
        var condConsts = inputs.Take(w.CondConsts).ToArray();
        var bodyConsts = inputs.Skip(w.CondConsts).Take(w.BodyConsts).ToArray();
        var carry = inputs.Skip(w.CondConsts + w.BodyConsts).ToArray();
        var first = Lowerer.LowerClosed(g, w.Cond, [.. condConsts, .. carry])[0];

        var body = g.Subgraph("while_body");
        var scalarBool = new TensorType(DType.Bool);
        body.AddInput(new TensorType(DType.Int64)); // the iteration number, unused
        body.AddInput(scalarBool);                 // the condition, true whenever the body runs
        var carryIn = eqn.Outputs.Select(v => body.AddInput(v.Type)).ToArray();
        var next = Lowerer.LowerClosed(body, w.Body, [.. bodyConsts, .. carryIn]);
        var condOut = Lowerer.LowerClosed(body, w.Cond, [.. condConsts, .. next])[0];
        body.AddOutputs([condOut, .. next], [scalarBool, .. eqn.Outputs.Select(v => v.Type)]);
        return g.Nodes("Loop", ["", first, .. carry], outputs, OnnxAttributes.Graph("body", body.Graph));
    }
}
