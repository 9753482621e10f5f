using System.Globalization;
using System.Text;
using Flax.Lowering.Proto;

namespace Flax;

/// <summary>
/// A numbered text listing of an ONNX graph for debugging (after ir-py's <c>Graph.__str__</c>): the signature, the
/// initializers, then one line per node <c>  3 | scope/Op_3: out = Op(in, ...) {attr=value}</c>, then the outputs.
/// </summary>
internal static class OnnxGraphText
{
    /// <summary>Formats <paramref name="graph"/>.</summary>
    internal static string Format(GraphProto graph)
    {
        var text = new StringBuilder();
        text.Append("graph ").Append(graph.Name).Append(" (").AppendJoin(", ", graph.Input.Select(Typed)).AppendLine(")");
        foreach (var tensor in graph.Initializer)
            text.Append("  init ").Append(tensor.Name).Append(": ").Append(Type(tensor.DataType, tensor.Dims.Select(d => d.ToString(CultureInfo.InvariantCulture))))
                .AppendLine(tensor.DataLocation == TensorProto.Types.DataLocation.External ? " (external)" : "");
        int width = graph.Node.Count.ToString(CultureInfo.InvariantCulture).Length;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            text.Append(i.ToString(CultureInfo.InvariantCulture).PadLeft(width + 2)).Append(" | ").Append(node.Name).Append(": ")
                .AppendJoin(", ", node.Output).Append(" = ").Append(node.OpType).Append('(').AppendJoin(", ", node.Input).Append(')');
            if (node.Attribute.Count > 0)
                text.Append(" {").AppendJoin(", ", node.Attribute.Select(Attribute)).Append('}');
            text.AppendLine();
        }
        text.Append("return (").AppendJoin(", ", graph.Output.Select(Typed)).AppendLine(")");
        return text.ToString();
    }

    private static string Typed(ValueInfoProto value) =>
        $"{value.Name}: {Type(value.Type.TensorType.ElemType, value.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture)))}";

    private static string Type(int elementType, IEnumerable<string> dims) =>
        $"{((TensorProto.Types.DataType)elementType).ToString().ToLowerInvariant()}[{string.Join(",", dims)}]";

    private static string Attribute(AttributeProto a) => a.Type switch
    {
        AttributeProto.Types.AttributeType.Int => $"{a.Name}={a.I}",
        AttributeProto.Types.AttributeType.Ints => $"{a.Name}=[{string.Join(",", a.Ints)}]",
        _ => $"{a.Name}=<{a.Type}>",
    };
}
