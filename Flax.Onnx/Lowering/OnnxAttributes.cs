using Flax.Lowering.Proto;

namespace Flax;

/// <summary>Builders for ONNX node attributes.</summary>
internal static class OnnxAttributes
{
    /// <summary>An <c>INT</c> attribute.</summary>
    internal static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A <c>FLOAT</c> attribute.</summary>
    internal static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An <c>INTS</c> attribute.</summary>
    internal static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A <c>STRING</c> attribute.</summary>
    internal static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };

    /// <summary>A <c>GRAPH</c> attribute (a <c>Loop</c>/<c>Scan</c> body, an <c>If</c> branch).</summary>
    internal static AttributeProto Graph(string name, GraphProto graph) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };

    /// <summary>An <c>INTS</c> attribute from ints.</summary>
    internal static AttributeProto Ints(string name, IEnumerable<int> values) => Ints(name, values.Select(v => (long)v));
}
