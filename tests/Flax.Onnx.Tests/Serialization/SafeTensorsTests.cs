using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Flax.Tests.Scopes;

namespace Flax.Tests.Serialization;

/// <summary><see cref="SafeTensors"/>: the Python-written fixture, round trips, alignment, and damaged files.</summary>
[TestClass]
public sealed class SafeTensorsTests
{
    private static byte[] File(string json, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static void AssertInvalid(byte[] bytes, string expected)
    {
        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => SafeTensors.Read(bytes));
        Assert.AreEqual(expected, e.Message);
    }

    private static VariableDict EveryDType() => new(
        ("params", new VariableDict(ExpectedValues.AllDTypes.Select(d => KeyValuePair.Create(d.Name(), (object)ExpectedValues.Of(d, 3, 5))))),
        ("batch_stats", new VariableDict(("mean", ExpectedValues.Of(DType.Float32)), ("empty", ExpectedValues.Of(DType.Int8, 0, 2)))));

    [TestMethod]
    public void ReadsPythonSafeTensors()
    {
        var bytes = ExpectedValues.Fixture("variables.safetensors");

        var flat = SafeTensors.Read(bytes).Flatten();

        CollectionAssert.AreEqual(
            new[] { "params/Dense_0/kernel", "params/Dense_0/bias", "batch_stats/BatchNorm_0/mean" }
                .Concat(ExpectedValues.AllDTypes.Select(d => $"dtypes/{d.Name()}")).ToArray(),
            flat.Keys.ToArray());
        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Float32, 3, 4), flat["params/Dense_0/kernel"], "kernel");
        foreach (var dtype in ExpectedValues.AllDTypes)
            ExpectedValues.AssertSame(ExpectedValues.Of(dtype, 2, 3), flat[$"dtypes/{dtype.Name()}"], dtype.Name());
        Assert.AreEqual("make_flax_checkpoints.py", SafeTensors.ReadMetadata(bytes)["producer"]);
    }

    [TestMethod]
    public void RoundTripsEveryDTypeInOrder()
    {
        var variables = EveryDType();
        var buffer = new MemoryStream();

        SafeTensors.Write(variables, buffer, new Dictionary<string, string> { ["format"] = "flax", ["step"] = "12" });
        var bytes = buffer.ToArray();

        var restored = SafeTensors.Read(bytes);
        TreeAssert.AreEqual(variables, restored);
        CollectionAssert.AreEqual(variables.Flatten().Keys.ToArray(), restored.Flatten().Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "format", "step" }, SafeTensors.ReadMetadata(bytes).Keys.ToArray());
        Assert.AreEqual("12", SafeTensors.ReadMetadata(bytes)["step"]);
    }

    [TestMethod]
    public void Write_AlignsEveryTensorToItsElementSize()
    {
        var buffer = new MemoryStream();
        SafeTensors.Write(EveryDType(), buffer);

        var header = SafeTensorsHeader.Parse(new ReadOnlySequence<byte>(buffer.ToArray()));

        Assert.AreEqual(0, header.DataStart % 8);
        foreach (var entry in header.Entries)
            Assert.AreEqual(0, (header.DataStart + entry.Begin) % entry.DType.ItemSize(), entry.Name);
    }

    [TestMethod]
    public void WritesAndReadsFiles()
    {
        var directory = Directory.CreateTempSubdirectory("flax-st-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.safetensors");
            SafeTensors.Write(EveryDType(), path);
            TreeAssert.AreEqual(EveryDType(), SafeTensors.Read(path));

            var bad = new VariableDict(("params", new VariableDict(("step", 3L))));
            var e = Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Write(bad, path));

            Assert.AreEqual("Cannot write the leaf at \"params/step\" to safetensors: it holds arrays only, not Int64. (Parameter 'variables')", e.Message);
            TreeAssert.AreEqual(EveryDType(), SafeTensors.Read(path));
            Assert.HasCount(1, Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void Read_ThrowsForAShortFile() =>
        AssertInvalid([1, 2, 3], "Invalid safetensors file at the header (byte 0): the file has 3 bytes, fewer than the 8-byte header size.");

    [TestMethod]
    public void Read_ThrowsForAnAbsurdHeaderSize() =>
        AssertInvalid([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, (byte)'{', (byte)'}'],
            "Invalid safetensors file at the header (byte 0): the header size 18446744073709551615 exceeds the file (10 bytes) or the 100000000-byte limit.");

    [TestMethod]
    public void Read_ThrowsForAHeaderThatIsNotJson()
    {
        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => SafeTensors.Read(File("{\"a\":", 0)));

        StringAssert.StartsWith(e.Message, "Invalid safetensors file at \"a\" (byte 13): the header is not valid JSON: ");
    }

    [TestMethod]
    public void Read_ThrowsForAHeaderThatIsNotUtf8()
    {
        var bytes = File("{\"\u00e9\":{}}", 0);
        bytes[10] = 0xff;

        AssertInvalid(bytes, "Invalid safetensors file at the header (byte 10): the header is not valid UTF-8.");
    }

    [TestMethod]
    public void Read_ThrowsForAnUnknownDType() =>
        AssertInvalid(File("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2),
            "Invalid safetensors file at \"w\" (byte 9): unsupported dtype \"F8_E4M3\".");

    [TestMethod]
    public void Read_ThrowsWhenOffsetsDoNotMatchTheShape() =>
        AssertInvalid(File("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", 8),
            "Invalid safetensors file at \"w\" (byte 9): data_offsets [0, 8] do not hold shape (2, 3) of F32 (24 bytes).");

    [TestMethod]
    public void Read_ThrowsForAShapeProductThatOverflows() =>
        AssertInvalid(File("{\"w\":{\"dtype\":\"U8\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,0]}}", 0),
            "Invalid safetensors file at \"w\" (byte 9): the shape (2147483647, 2147483647, 2147483647) has more elements than any buffer can hold.");

    [TestMethod]
    public void Read_ThrowsForAGapBetweenTensors() =>
        AssertInvalid(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[3,4]}}", 4),
            "Invalid safetensors file at \"b\" (byte 61): the data starts at byte 3, but the tensors before it end at byte 2.");

    [TestMethod]
    public void Read_ThrowsForOverlappingTensors() =>
        AssertInvalid(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2),
            "Invalid safetensors file at \"b\" (byte 61): the data starts at byte 1, but the tensors before it end at byte 2.");

    [TestMethod]
    public void Read_ThrowsForOffsetsPastTheData() =>
        AssertInvalid(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 2),
            "Invalid safetensors file at the header (byte 61): the data section has 2 bytes, but the tensors cover 4.");

    [TestMethod]
    public void Read_ThrowsForARepeatedName() =>
        AssertInvalid(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0),
            "Invalid safetensors file at \"a\" (byte 61): the name \"a\" appears twice.");

    [TestMethod]
    public void Read_ThrowsForAnUnexpectedField() =>
        AssertInvalid(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0],\"device\":\"cuda\"}}", 0),
            "Invalid safetensors file at \"a\" (byte 69): unexpected field \"device\" = String.");

    [TestMethod]
    public void Read_ThrowsForANegativeDimension() =>
        AssertInvalid(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0),
            "Invalid safetensors file at \"a\" (byte 35): the dimension -1 is out of range (0 to 2147483647).");

    [TestMethod]
    public void Read_ThrowsForNonStringMetadata() =>
        AssertInvalid(File("{\"__metadata__\":{\"step\":12}}", 0),
            "Invalid safetensors file at __metadata__ (byte 32): the metadata value of \"step\" is a Number, not a string.");

    [TestMethod]
    public void Read_ThrowsForNamesThatDoNotNest() =>
        AssertInvalid(File("{\"p/w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},\"p/w/x\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0),
            "Invalid safetensors file at \"p/w/x\" (byte 63): the name is nested under the tensor \"p/w\".");

    [TestMethod]
    public void Read_ThrowsForAnEmptyPathPart() =>
        AssertInvalid(File("{\"p//w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0),
            "Invalid safetensors file at \"p//w\" (byte 9): the name has an empty part.");

    [TestMethod]
    public void Read_ThrowsForAHeaderThatIsNotAnObject() =>
        AssertInvalid(File("[]", 0), "Invalid safetensors file at the header (byte 8): the header must be a JSON object, got Array.");

    [TestMethod]
    public void Read_ThrowsForMetadataThatIsNotAnObject() =>
        AssertInvalid(File("{\"__metadata__\":5}", 0), "Invalid safetensors file at __metadata__ (byte 24): the metadata must be an object of strings, got Number.");

    [TestMethod]
    public void Read_ThrowsForATensorEntryThatIsNotAnObject() =>
        AssertInvalid(File("{\"w\":[1]}", 0), "Invalid safetensors file at \"w\" (byte 13): a tensor entry must be an object, got Array.");

    [TestMethod]
    public void Read_ThrowsForADTypeThatIsNotAString() =>
        AssertInvalid(File("{\"w\":{\"dtype\":4,\"shape\":[0],\"data_offsets\":[0,0]}}", 0),
            "Invalid safetensors file at \"w\" (byte 22): the dtype must be a string, got Number.");

    [TestMethod]
    public void Read_ThrowsForATensorEntryWithoutOffsets() =>
        AssertInvalid(File("{\"w\":{\"dtype\":\"U8\",\"shape\":[0]}}", 0),
            "Invalid safetensors file at \"w\" (byte 9): a tensor entry needs a dtype, a shape and two data_offsets.");

    [TestMethod]
    public void Read_ThrowsForAShapeThatIsNotAList() =>
        AssertInvalid(File("{\"w\":{\"dtype\":\"U8\",\"shape\":\"2\",\"data_offsets\":[0,2]}}", 2),
            "Invalid safetensors file at \"w\" (byte 35): shape must be a list of at most 64 integers.");

    [TestMethod]
    public void Read_ThrowsForAnOffsetThatIsNotAnInteger() =>
        AssertInvalid(File("{\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2.5]}}", 2),
            "Invalid safetensors file at \"w\" (byte 57): data_offsets holds 2.5, not an integer.");

    [TestMethod]
    public void Write_RefusesKeysThatCannotBeNames()
    {
        var slash = new VariableDict(("params", new VariableDict(("a/b", NDArray.Zeros(DType.Float32, 1)))));
        var e = Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Write(slash, new MemoryStream()));
        Assert.AreEqual("Cannot flatten key \"params/a/b\": keys must be non-empty and contain no '/'. (Parameter 'variables')", e.Message);
        var nullMetadata = Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Write(VariableDict.Empty, new MemoryStream(), new Dictionary<string, string> { ["step"] = null! }));
        Assert.AreEqual("The metadata value of \"step\" is null. (Parameter 'metadata')", nullMetadata.Message);
    }
}
