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
        var bodyInputs = inputs.Take(s.Consts).Concat(s.Body.Inputs.Skip(s.Consts).Select(v => body.AddInput(v.Type))).ToArray();
        body.AddOutputs(Lowerer.LowerClosed(body, s.Body, bodyInputs), [.. s.Body.Outputs.Select(o => o.Var.Type)]);
        var attributes = new List<AttributeProto> { OnnxAttributes.Graph("body", body.Graph), OnnxAttributes.Int("num_scan_inputs", xs) };
        if (s.Reverse)
        {
            attributes.Add(OnnxAttributes.Ints("scan_input_directions", Enumerable.Repeat(1, xs)));
            if (ys > 0) attributes.Add(OnnxAttributes.Ints("scan_output_directions", Enumerable.Repeat(1, ys)));
        }
        return g.Nodes("Scan", inputs.Skip(s.Consts), outputs, [.. attributes]);
    }
}
