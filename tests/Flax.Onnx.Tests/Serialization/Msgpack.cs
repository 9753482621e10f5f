using System.Buffers;
using MessagePack;

namespace Flax.Tests.Serialization;

/// <summary>Builds raw msgpack bytes for hand-made (often broken) checkpoints.</summary>
internal static class Msgpack
{
    internal delegate void Body(ref MessagePackWriter writer);

    internal static byte[] Build(Body body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        body(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An extension-1 (ndarray) value with the given payload.</summary>
    internal static void Ext(ref MessagePackWriter writer, sbyte type, byte[] payload)
    {
        writer.WriteExtensionFormatHeader(new ExtensionHeader(type, (uint)payload.Length));
        writer.WriteRaw(payload);
    }

    /// <summary>The payload list (shape, dtype, bytes), as Flax packs it.</summary>
    internal static byte[] Payload(int[] shape, string dtype, byte[] data) => Build((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(3);
        w.WriteArrayHeader(shape.Length);
        foreach (var d in shape) w.Write(d);
        w.Write(dtype);
        w.Write(data);
    });

    /// <summary>A checkpoint {"params": {"x": value}} whose value is written by <paramref name="value"/>.</summary>
    internal static byte[] Leaf(Body value) => Build((ref MessagePackWriter w) =>
    {
        w.WriteMapHeader(1);
        w.Write("params");
        w.WriteMapHeader(1);
        w.Write("x");
        value(ref w);
    });
}
