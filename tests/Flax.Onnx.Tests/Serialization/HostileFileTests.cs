using System.Buffers.Binary;
using System.Text;
using MessagePack;

namespace Flax.Tests.Serialization;

/// <summary>
/// Hand-made hostile files from issue 11: deep <c>/</c> nesting, names that would flatten to gigabytes, unpaired
/// surrogates, and the writers refusing to produce what the readers refuse.
/// </summary>
[TestClass]
public sealed class HostileFileTests
{
    private static byte[] SafeTensorsFile(string json)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Entry(string name) => $"\"{name}\":{{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}";

    private static (T Result, long Allocated) Measure<T>(Func<T> run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = run();
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void SafeTensors_ANameNested19000DeepIsRefusedNotAStackOverflow()
    {
        string name = string.Concat(Enumerable.Repeat("a/", 19_000)) + "a";
        var file = SafeTensorsFile("{" + Entry(name) + "}");

        var (e, allocated) = Measure(() => Assert.ThrowsExactly<FlaxCheckpointException>(() => SafeTensors.Read(file)));

        Assert.AreEqual($"Invalid safetensors file at \"{name[..200]}...\" (byte 9): the name has 19001 parts; a VariableDict nests at most 64 levels.", e.Message);
        Assert.IsTrue(allocated < 20L * file.Length + (1 << 20), $"a {file.Length}-byte file allocated {allocated} bytes");
    }

    [TestMethod]
    public void SafeTensors_NameChecksAreLinear()
    {
        // 64-part names of 500-character parts: checking prefixes by copying them would allocate ~64x the names.
        var names = Enumerable.Range(0, 4).Select(i => string.Join('/', Enumerable.Range(0, 64).Select(p => new string((char)('a' + i), 500) + p))).ToList();
        var file = SafeTensorsFile("{" + string.Join(',', names.Select(Entry)) + "}");

        var (variables, allocated) = Measure(() => SafeTensors.Read(file));

        Assert.HasCount(4, variables);
        Assert.IsTrue(allocated < 16L * file.Length + (1 << 20), $"a {file.Length}-byte file allocated {allocated} bytes");
    }

    [TestMethod]
    public void SafeTensors_AnEscapedUnpairedSurrogateIsRefused()
    {
        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => SafeTensors.Read(SafeTensorsFile("{" + Entry("\\ud800x") + "}")));

        Assert.AreEqual("Invalid safetensors file at a tensor name (byte 9): a string is not valid Unicode (it escapes an unpaired surrogate).", e.Message);
    }

    [TestMethod]
    public void SafeTensors_ARepeatedMetadataKeyIsRefused()
    {
        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => SafeTensors.Read(SafeTensorsFile("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}")));

        Assert.AreEqual("Invalid safetensors file at __metadata__ (byte 33): the metadata key \"k\" appears twice.", e.Message);
    }

    [TestMethod]
    public void FlaxCheckpoint_LeavesSharingAHugeKeyPathAreRefused()
    {
        // Valid msgpack: 20,000 leaves under one 80,000-character key flatten to 3.2 GB of paths (34 s before the bound).
        var file = Msgpack.Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write(new string('k', 80_000));
            w.WriteMapHeader(20_000);
            for (int i = 0; i < 20_000; i++)
            {
                w.Write(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
                w.Write(1);
            }
        });

        var (e, allocated) = Measure(() => Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.Read(file)));

        StringAssert.StartsWith(e.Message, $"Invalid Flax checkpoint at \"{new string('k', 200)}...\" (byte ");
        StringAssert.EndsWith(e.Message, $"): the flattened key paths total over {64L * file.Length} characters (64 per byte of the file); a key path repeated by many leaves is too long.");
        Assert.IsTrue(allocated < 16L * file.Length + (1 << 20), $"a {file.Length}-byte file allocated {allocated} bytes");
    }

    [TestMethod]
    public void FlaxCheckpoint_WriteRefusesWhatReadRefuses()
    {
        static string Refusal(VariableDict variables)
        {
            var stream = new MemoryStream();
            var e = Assert.ThrowsExactly<ArgumentException>(() => FlaxCheckpoint.Write(variables, stream));
            Assert.AreEqual(0, stream.Length, "nothing is written");
            return e.Message;
        }

        Assert.AreEqual("Cannot write the key at \"p/\ud800\" to a Flax checkpoint: it is not valid Unicode (an unpaired surrogate), which msgpack's UTF-8 cannot hold.",
            Refusal(new VariableDict(("p", new VariableDict(("\ud800", 1L))))));
        Assert.AreEqual("Cannot write the string at \"p/s\" to a Flax checkpoint: it is not valid Unicode (an unpaired surrogate), which msgpack's UTF-8 cannot hold.",
            Refusal(new VariableDict(("p", new VariableDict(("s", "\udc00"))))));
        Assert.AreEqual("Cannot write the dict at \"p\" to a Flax checkpoint: the key __msgpack_chunked_array__ marks Flax's chunked arrays, so the dict would read back as one.",
            Refusal(new VariableDict(("p", new VariableDict(("__msgpack_chunked_array__", true))))));
        Assert.AreEqual("Cannot write the leaf at \"p/x\" to a Flax checkpoint: the array has 65 dimensions; a checkpoint holds at most 64.",
            Refusal(new VariableDict(("p", new VariableDict(("x", NDArray.Zeros(DType.Float32, Enumerable.Repeat(1, 65).ToArray())))))));
        var wide = new VariableDict((new string('k', 80_000), new VariableDict([.. Enumerable.Range(0, 20_000).Select(i => KeyValuePair.Create(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture), (object)1L))])));
        StringAssert.StartsWith(Refusal(wide), "Cannot write a Flax checkpoint whose flattened key paths total 1600");
    }

    [TestMethod]
    public void SafeTensors_WriteRefusesWhatReadRefuses()
    {
        static string Refusal(VariableDict variables, IReadOnlyDictionary<string, string>? metadata = null)
        {
            var stream = new MemoryStream();
            var e = Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Write(variables, stream, metadata));
            Assert.AreEqual(0, stream.Length, "nothing is written");
            return e.Message;
        }

        var w = NDArray.Zeros(DType.Float32, 2);
        Assert.AreEqual("Cannot write the leaf at \"__metadata__\" to safetensors: the name __metadata__ is the header's metadata. (Parameter 'variables')",
            Refusal(new VariableDict(("__metadata__", w))));
        Assert.AreEqual("Cannot write the leaf at \"p/\ud800\" to safetensors: the name is not valid Unicode (an unpaired surrogate). (Parameter 'variables')",
            Refusal(new VariableDict(("p", new VariableDict(("\ud800", w))))));
        Assert.AreEqual("Cannot write the leaf at \"x\" to safetensors: the array has 65 dimensions; readers accept at most 64. (Parameter 'variables')",
            Refusal(new VariableDict(("x", NDArray.Zeros(DType.Float32, Enumerable.Repeat(1, 65).ToArray())))));
        Assert.AreEqual("The metadata entry \"k\" is not valid Unicode (an unpaired surrogate). (Parameter 'metadata')",
            Refusal(new VariableDict(("x", w)), new Dictionary<string, string> { ["k"] = "\ud800" }));
    }
}
