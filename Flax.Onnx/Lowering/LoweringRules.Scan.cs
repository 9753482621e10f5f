using Flax.Ir;
using Flax.Lowering.Proto;

namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <see cref="Primitive.Scan"/> as one ONNX <c>Scan</c> (opset 16+): the consts are read by the body from the
    /// outer scope, the carry are its state variables and the xs its scan inputs (axis 0); a reverse scan sets every
    /// <c>scan_input_directions</c> and <c>scan_output_directions</c> entry to 1, so the last slice is read first and
    /// the ys still come out in step order.
    /// </summary>
    private static IReadOnlyList<string> Scan(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, IReadOnlyList<string?> outputs)
    {
        var s = (ScanParams)eqn.Params;
        int xs = inputs.Count - s.Consts - s.Carry, ys = eqn.Outputs.Length - s.Carry;
        if (xs == 0) throw new NotSupportedException("scan without a scanned input has no ONNX Scan form (ONNX Scan needs at least one scan input).");
        var body = g.Subgraph("scan_body");
        var bodyInputs = new List<string>(inputs.Take(s.Consts));
        foreach (var v in s.Body.Inputs.Skip(s.Consts))
        {
            var name = body.Fresh();
            body.Graph.Input.Add(OnnxTypes.ValueInfo(name, v.Type.DType, v.Type.Dims.AsSpan()));
            bodyInputs.Add(name);
        }
        var results = Lowerer.LowerClosed(body, s.Body, bodyInputs);
        for (int k = 0; k < results.Length; k++)
        {
            // A fresh name per output: a body output may be one of its inputs, an outer value or another output.
            var type = s.Body.Outputs[k].Var.Type;
            var name = body.Node("Identity", results[k]);
            body.Graph.Output.Add(OnnxTypes.ValueInfo(name, type.DType, type.Dims.AsSpan()));
        }
        var attributes = new List<AttributeProto>
        {
            new() { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body.Graph },
            OnnxAttributes.Int("num_scan_inputs", xs),
        };
        if (s.Reverse)
        {
            attributes.Add(OnnxAttributes.Ints("scan_input_directions", Enumerable.Repeat(1, xs)));
            if (ys > 0) attributes.Add(OnnxAttributes.Ints("scan_output_directions", Enumerable.Repeat(1, ys)));
        }
        return g.Nodes("Scan", inputs.Skip(s.Consts), outputs, [.. attributes]);
    }
}
