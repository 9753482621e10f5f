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
        var iteration = body.Fresh();
        var condIn = body.Fresh();
        var carryIn = carry.Select(_ => body.Fresh()).ToArray();
        body.Graph.Input.Add(OnnxTypes.ValueInfo(iteration, DType.Int64, []));
        body.Graph.Input.Add(OnnxTypes.ValueInfo(condIn, DType.Bool, []));
        for (int k = 0; k < carry.Length; k++)
            body.Graph.Input.Add(OnnxTypes.ValueInfo(carryIn[k], In(eqn, inputs.Count - carry.Length + k).DType,
                In(eqn, inputs.Count - carry.Length + k).Dims.AsSpan()));
        var next = Lowerer.LowerClosed(body, w.Body, [.. bodyConsts, .. carryIn]);
        var condOut = Lowerer.LowerClosed(body, w.Cond, [.. condConsts, .. next])[0];
        // Subgraph outputs get names of their own (an output may not be an input or another output of the body).
        var bodyOutputs = new[] { condOut }.Concat(next).Select(name => body.Node("Identity", name)).ToArray();
        body.Graph.Output.Add(OnnxTypes.ValueInfo(bodyOutputs[0], DType.Bool, []));
        for (int k = 0; k < carry.Length; k++)
            body.Graph.Output.Add(OnnxTypes.ValueInfo(bodyOutputs[1 + k], eqn.Outputs[k].Type.DType, eqn.Outputs[k].Type.Dims.AsSpan()));

        var attribute = new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body.Graph };
        return g.Nodes("Loop", ["", first, .. carry], outputs, attribute);
    }
}
