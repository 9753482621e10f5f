using Flax.Lowering.Proto;
using Google.Protobuf;

namespace Flax;

/// <summary>
/// ONNX external data: initializer bytes stored in a side file, each tensor recording <c>location</c>,
/// <c>offset</c> (4096-aligned, so readers can map it) and <c>length</c>, with <c>data_location = EXTERNAL</c>.
/// </summary>
internal static class ExternalData
{
    /// <summary>The most weight bytes kept inline: comfortably below protobuf's 2 GB message limit.</summary>
    internal const long InlineLimit = 1L << 30;

    private const int Alignment = 4096;

    /// <summary>Moves the raw data of every parameter (an initializer that is also a graph input) of
    /// <paramref name="graph"/> into <paramref name="data"/>, recording <paramref name="location"/> (relative to the
    /// model file). Constants stay inline: shape inference reads them.</summary>
    internal static void Move(GraphProto graph, Stream data, string location)
    {
        var parameters = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        long offset = 0;
        foreach (var tensor in graph.Initializer)
        {
            if (tensor.RawData.IsEmpty || !parameters.Contains(tensor.Name)) continue;
            long padding = (Alignment - offset % Alignment) % Alignment;
            data.Write(new byte[padding]);
            offset += padding;
            data.Write(tensor.RawData.Span);
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            offset += tensor.RawData.Length;
            tensor.RawData = ByteString.Empty;
        }
    }
}
