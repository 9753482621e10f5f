using System.Numerics;
using Flax.Tests.Scopes;
using MessagePack;

namespace Flax.Tests.Serialization;

/// <summary>
/// Reading the files of tests/fixtures/make_flax_checkpoints.py (an independent producer of Flax's layout) and
/// writing them back byte for byte; round trips of every dtype, chunked arrays and scalar leaves.
/// Flax's own suite (tests/serialization_test.py) names: <c>RestoreChunked</c>, <c>SerializationChunking</c>.
/// </summary>
[TestClass]
public sealed class FlaxCheckpointTests
{
    private static readonly int[][] RoundTripShapes = [[], [0, 3], [5], [2, 3, 4]];

    [TestMethod]
    public void ReadsFlaxVariables()
    {
        var variables = FlaxCheckpoint.Read(ExpectedValues.Fixture("variables.msgpack"));

        var flat = variables.Flatten();
        string[] dtypeKeys = [.. ExpectedValues.AllDTypes.Select(d => $"dtypes/{d.Name()}")];
        CollectionAssert.AreEqual(
            new[] { "params/Dense_0/kernel", "params/Dense_0/bias", "params/BatchNorm_0/scale", "params/BatchNorm_0/bias",
                    "batch_stats/BatchNorm_0/mean", "batch_stats/BatchNorm_0/var" }
                .Concat(dtypeKeys).Concat(["shapes/scalar", "shapes/empty", "shapes/rank4"]).ToArray(),
            flat.Keys.ToArray());
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Float32, 3, 4), flat["params/Dense_0/kernel"], "kernel");
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Float32, 4), flat["batch_stats/BatchNorm_0/var"], "var");
        foreach (var dtype in ExpectedValues.AllDTypes)
            ExpectedValues.AssertSame(ExpectedValues.Of(dtype, 2, 3), flat[$"dtypes/{dtype.Name()}"], dtype.Name());
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Float32), flat["shapes/scalar"], "scalar");
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Float32, 0, 3), flat["shapes/empty"], "empty");
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Int16, 2, 1, 3, 2), flat["shapes/rank4"], "rank4");
    }

    [TestMethod]
    public void RestoreChunked()
    {
        var flat = FlaxCheckpoint.Read(ExpectedValues.Fixture("chunked.msgpack")).Flatten();

        ExpectedValues.AssertSame(NDArray.Ones(DType.Float64, 10, 10), flat["a"], "a");
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Float32, 13, 17), flat["kernel"], "kernel");
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Int32, 3), flat["small"], "small");
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.UInt16, 40, 11), flat["nested/table"], "table");
    }

    [TestMethod]
    public void ReadsScalarLeaves()
    {
        var flat = FlaxCheckpoint.Read(ExpectedValues.Fixture("scalars.msgpack"));

        var native = (VariableDict)flat["native"];
        Assert.AreEqual(7L, native["int"]);
        Assert.AreEqual(-300L, native["negative"]);
        Assert.AreEqual(1L << 40, native["big"]);
        Assert.AreEqual(0.1, native["float"]);
        Assert.AreEqual(true, native["true"]);
        Assert.AreEqual(false, native["false"]);
        Assert.AreEqual("héllo", native["text"]);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 255 }, (byte[])native["bytes"]);
        Assert.AreEqual(new Complex(1.5, -2.25), native["complex"]);
        var numpy = (VariableDict)flat["numpy"];
        Assert.AreEqual(0.1f, numpy["float32"]);
        Assert.AreEqual(-5, numpy["int32"]);
        Assert.AreEqual((byte)200, numpy["uint8"]);
        Assert.AreEqual((Half)1.5, numpy["float16"]);
        Assert.AreEqual(ulong.MaxValue, numpy["uint64"]);
        TreeAssert.AreEqual(VariableDict.Empty, flat["empty"]);
    }

    [TestMethod]
    public void ReadsListsAsIndexedDicts()
    {
        var steps = (VariableDict)FlaxCheckpoint.Read(ExpectedValues.Fixture("list.msgpack"))["steps"];

        CollectionAssert.AreEqual(new[] { "0", "1", "2" }, steps.Keys.ToArray());
        Assert.AreEqual(1L, steps["0"]);
        Assert.AreEqual(2L, steps["1"]);
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Int8, 2), steps["2"], "2");
    }

    [TestMethod]
    [DataRow("variables.msgpack", ChunkedArray.MaxChunkBytes)]
    [DataRow("chunked.msgpack", 91L * 8)]
    [DataRow("scalars.msgpack", ChunkedArray.MaxChunkBytes)]
    public void WritesFlaxBytesExactly(string fixture, long maxChunkBytes)
    {
        var original = ExpectedValues.Fixture(fixture);
        var buffer = new MemoryStream();

        CheckpointWriter.Write(FlaxCheckpoint.Read(original), buffer, maxChunkBytes);

        CollectionAssert.AreEqual(original, buffer.ToArray());
    }

    [TestMethod]
    public void RoundTripsEveryDType()
    {
        foreach (var dtype in ExpectedValues.AllDTypes)
            foreach (var shape in RoundTripShapes)
            {
                var array = ExpectedValues.Of(dtype, shape);
                var restored = FlaxCheckpoint.Read(FlaxCheckpoint.ToBytes(new VariableDict(("params", new VariableDict(("x", array))))));
                ExpectedValues.AssertSame(array, restored.Flatten()["params/x"], $"{dtype.Name()} {Shapes.Format(shape)}");
            }
    }

    [TestMethod]
    public void SerializationChunking()
    {
        // flax: MAX_CHUNK_SIZE = 91 * 8 splits np.ones((10, 10)) into chunks of 91 and 9 float64 elements.
        var buffer = new MemoryStream();
        CheckpointWriter.Write(new VariableDict(("a", NDArray.Ones(DType.Float64, 10, 10))), buffer, 91 * 8);

        var reader = new MessagePackReader(buffer.ToArray());
        Assert.AreEqual(1, reader.ReadMapHeader());
        Assert.AreEqual("a", reader.ReadString());
        Assert.AreEqual(3, reader.ReadMapHeader());
        Assert.AreEqual("__msgpack_chunked_array__", reader.ReadString());
        Assert.IsTrue(reader.ReadBoolean());
        Assert.AreEqual("shape", reader.ReadString());
        Assert.AreEqual(2, reader.ReadMapHeader());
        CollectionAssert.AreEqual(new object[] { "0", 10, "1", 10 }, new object[] { reader.ReadString()!, reader.ReadInt32(), reader.ReadString()!, reader.ReadInt32() });
        Assert.AreEqual("chunks", reader.ReadString());
        Assert.AreEqual(2, reader.ReadMapHeader());
        var chunkShapes = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            Assert.AreEqual($"{i}", reader.ReadString());
            var header = reader.ReadExtensionFormatHeader();
            chunkShapes.Add(Shapes.Format(ArrayPayload.Decode(reader.ReadRaw(header.Length)).Shape));
        }
        CollectionAssert.AreEqual(new[] { "(91,)", "(9,)" }, chunkShapes);
        Assert.IsTrue(reader.End);
    }

    [TestMethod]
    public void RoundTripsChunkedArraysOfEveryDType()
    {
        foreach (var dtype in ExpectedValues.AllDTypes)
            foreach (long maxChunkBytes in new long[] { 1, 7, 64 })
            {
                var array = ExpectedValues.Of(dtype, 9, 7);
                var buffer = new MemoryStream();
                CheckpointWriter.Write(new VariableDict(("w", array)), buffer, maxChunkBytes);
                var restored = FlaxCheckpoint.Read(buffer.ToArray());
                ExpectedValues.AssertSame(array, restored["w"], $"{dtype.Name()} chunks of {maxChunkBytes} bytes");
            }
    }

    [TestMethod]
    public void RoundTripsScalarLeaves()
    {
        var variables = new VariableDict(
            ("f32", 1.25f), ("f64", 2.5), ("f16", (Half)0.5), ("bf16", (BFloat16)3f), ("i8", (sbyte)-8), ("i16", (short)-16),
            ("i32", -32), ("i64", -64L), ("u8", (byte)8), ("u16", (ushort)16), ("u32", 32u), ("u64", 64ul), ("flag", true),
            ("text", "ok"), ("blob", new byte[] { 1, 2 }), ("z", new Complex(-1, 0.5)));

        var restored = FlaxCheckpoint.Read(FlaxCheckpoint.ToBytes(variables));

        TreeAssert.AreEqual(variables, restored);
        CollectionAssert.AreEqual(variables.Values.Select(v => v.GetType()).ToArray(), restored.Values.Select(v => v.GetType()).ToArray());
    }

    [TestMethod]
    public void ReadsStreamsLargerThanOneSegment()
    {
        // 400 KB of float32 spans several of the stream reader's segments (64 KiB, 128 KiB, 256 KiB, ...).
        var big = ExpectedValues.Of(DType.Float32, 100_000);
        var bytes = FlaxCheckpoint.ToBytes(new VariableDict(("params", new VariableDict(("big", big)))));

        var restored = FlaxCheckpoint.Read(new MemoryStream(bytes));

        ExpectedValues.AssertSame(big, restored.Flatten()["params/big"], "big");
    }

    [TestMethod]
    public void WritesAndReadsFiles()
    {
        var variables = FlaxCheckpoint.Read(ExpectedValues.Fixture("variables.msgpack"));
        var directory = Directory.CreateTempSubdirectory("flax-ckpt-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.msgpack");
            FlaxCheckpoint.Write(variables, path);
            CollectionAssert.AreEqual(ExpectedValues.Fixture("variables.msgpack"), File.ReadAllBytes(path));
            TreeAssert.AreEqual(variables, FlaxCheckpoint.Read(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void Write_FailureLeavesTheFileAsItWas()
    {
        var directory = Directory.CreateTempSubdirectory("flax-ckpt-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.msgpack");
            File.WriteAllBytes(path, [1, 2, 3]);
            var bad = new VariableDict(("params", new VariableDict(("x", new object()))));

            var e = Assert.ThrowsExactly<ArgumentException>(() => FlaxCheckpoint.Write(bad, path));

            Assert.AreEqual("Cannot write the leaf at \"params/x\" to a Flax checkpoint: Object has no msgpack form (use NDArray for arrays).", e.Message);
            CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
            CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void Write_RefusesUnknownLeavesBeforeWriting()
    {
        var stream = new MemoryStream();
        var bad = new VariableDict(("a", NDArray.Ones(DType.Float32, 2)), ("b", new TensorSpec(DType.Float32, 2)));

        var e = Assert.ThrowsExactly<ArgumentException>(() => FlaxCheckpoint.Write(bad, stream));

        Assert.AreEqual("Cannot write the leaf at \"b\" to a Flax checkpoint: TensorSpec has no msgpack form (use NDArray for arrays).", e.Message);
        Assert.AreEqual(0, stream.Length);
    }
}
