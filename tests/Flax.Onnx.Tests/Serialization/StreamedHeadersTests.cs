using MessagePack;

namespace Flax.Tests.Serialization;

/// <summary><see cref="StreamedHeaders"/> writes the same bytes as MessagePackWriter's own header methods.</summary>
[TestClass]
public sealed class StreamedHeadersTests
{
    private static readonly int[] Lengths = [0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 255, 256, 65535, 65536, 70000];

    [TestMethod]
    public void BinHeaderMatchesMessagePackWriter()
    {
        foreach (int length in Lengths)
            CollectionAssert.AreEqual(
                Msgpack.Build((ref MessagePackWriter w) => w.WriteBinHeader(length)),
                Msgpack.Build((ref MessagePackWriter w) => StreamedHeaders.WriteBinHeader(ref w, length)),
                $"bin of {length} bytes");
    }

    [TestMethod]
    public void ExtensionHeaderMatchesMessagePackWriter()
    {
        foreach (int length in Lengths)
            foreach (sbyte type in new sbyte[] { 1, 3, -1 })
                CollectionAssert.AreEqual(
                    Msgpack.Build((ref MessagePackWriter w) => w.WriteExtensionFormatHeader(new ExtensionHeader(type, (uint)length))),
                    Msgpack.Build((ref MessagePackWriter w) => StreamedHeaders.WriteExtensionHeader(ref w, type, length)),
                    $"ext {type} of {length} bytes");
    }
}
