using MessagePack;

namespace Flax.Tests.Serialization;

/// <summary>
/// Damaged and hostile checkpoints: each is one <see cref="FlaxCheckpointException"/> naming the path and byte offset
/// of the value at fault. In <see cref="Msgpack.Leaf"/> files the leaf <c>params/x</c> starts at byte 11.
/// </summary>
[TestClass]
public sealed class CheckpointErrorTests
{
    private static void AssertInvalid(byte[] bytes, string expected)
    {
        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.Read(bytes));
        Assert.AreEqual(expected, e.Message);
    }

    private static byte[] ArrayLeaf(byte[] payload, sbyte type = 1) =>
        Msgpack.Leaf((ref MessagePackWriter w) => Msgpack.Ext(ref w, type, payload));

    [TestMethod]
    public void Read_ThrowsForAnEmptyFile() =>
        AssertInvalid([], "Invalid Flax checkpoint at the top level (byte 0): the file is empty.");

    [TestMethod]
    public void Read_ThrowsForATruncatedFile()
    {
        var bytes = ExpectedValues.Fixture("variables.msgpack");

        AssertInvalid(bytes[..^5], "Invalid Flax checkpoint at \"shapes/rank4\" (byte 959): the file ends inside this value (truncated?).");
    }

    [TestMethod]
    public void Read_ThrowsForTrailingBytes()
    {
        var bytes = ExpectedValues.Fixture("list.msgpack");

        AssertInvalid([.. bytes, 0xc0], "Invalid Flax checkpoint at the top level (byte 25): 1 bytes follow the end of the checkpoint.");
    }

    [TestMethod]
    public void Read_ThrowsWhenTheTopLevelIsNotADict() =>
        AssertInvalid(Msgpack.Build((ref MessagePackWriter w) => w.Write(3)),
            "Invalid Flax checkpoint at the top level (byte 0): the top level must be a dict of collections, got Integer.");

    [TestMethod]
    public void Read_ThrowsForANonStringKey() =>
        AssertInvalid(Msgpack.Build((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.Write(7); w.Write(1); }),
            "Invalid Flax checkpoint at the top level (byte 1): key 0 of this dict is a msgpack Integer; a state dict has string keys.");

    [TestMethod]
    public void Read_ThrowsForARepeatedKey() =>
        AssertInvalid(Msgpack.Build((ref MessagePackWriter w) => { w.WriteMapHeader(2); w.Write("a"); w.Write(1); w.Write("a"); w.Write(2); }),
            "Invalid Flax checkpoint at the top level (byte 4): the key \"a\" appears twice in this dict.");

    [TestMethod]
    public void Read_ThrowsForInvalidUtf8InAKey() =>
        AssertInvalid(Msgpack.Build((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.WriteString([0xff, 0xfe]); w.Write(1); }),
            "Invalid Flax checkpoint at the top level (byte 1): a string is not valid UTF-8.");

    [TestMethod]
    public void Read_ThrowsForDeepNesting()
    {
        var bytes = Msgpack.Build((ref MessagePackWriter w) =>
        {
            for (int i = 0; i < 70; i++) { w.WriteMapHeader(1); w.Write("a"); }
            w.Write(1);
        });

        AssertInvalid(bytes, $"Invalid Flax checkpoint at \"{string.Join('/', Enumerable.Repeat("a", 64))}\" (byte 192): dicts and lists nest deeper than 64 levels.");
    }

    [TestMethod]
    public void Read_ThrowsForAnAbsurdMapCount() =>
        AssertInvalid([0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, (byte)'a', 1],
            "Invalid Flax checkpoint at the top level (byte 0): the file ends inside this value (truncated?).");

    [TestMethod]
    public void Read_ThrowsForAnAbsurdExtensionLength() =>
        AssertInvalid(Msgpack.Leaf((ref MessagePackWriter w) => w.WriteRaw([0xc9, 0xff, 0xff, 0xff, 0xff, 0x01, 0x93])),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the file ends inside this value (truncated?).");

    [TestMethod]
    public void Read_ThrowsForAnAbsurdBinaryLength() =>
        AssertInvalid(ArrayLeaf([0x93, 0x91, 0x02, 0xa7, .. "float32"u8, 0xc6, 0xff, 0xff, 0xff, 0xf0]),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the array payload ends early: its extension length is too short.");

    [TestMethod]
    public void Read_ThrowsForAnUnknownExtensionType() =>
        AssertInvalid(ArrayLeaf([1, 2, 3], type: 7),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): unknown msgpack extension type 7; Flax writes 1 (ndarray), 2 (complex) and 3 (numpy scalar).");

    [TestMethod]
    public void Read_ThrowsForAShortExtensionLength()
    {
        var payload = Msgpack.Payload([2], "float32", new byte[8]);

        AssertInvalid(ArrayLeaf(payload[..^3]),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the array payload ends early: its extension length is too short.");
    }

    [TestMethod]
    public void Read_ThrowsForALongExtensionLength()
    {
        var payload = Msgpack.Payload([2], "float32", new byte[8]);

        AssertInvalid(ArrayLeaf([.. payload, 0, 0]),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the array payload has 2 bytes after its (shape, dtype, bytes) list.");
    }

    [TestMethod]
    public void Read_ThrowsWhenTheShapeDoesNotMatchTheData() =>
        AssertInvalid(ArrayLeaf(Msgpack.Payload([2, 3], "float32", new byte[12])),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): shape (2, 3) of float32 needs 6 elements, but the data has 12 bytes.");

    [TestMethod]
    public void Read_ThrowsWhenTheShapeProductOverflows() =>
        AssertInvalid(ArrayLeaf(Msgpack.Payload([int.MaxValue, int.MaxValue, int.MaxValue], "uint8", [])),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the shape (2147483647, 2147483647, 2147483647) has more elements than any buffer can hold.");

    [TestMethod]
    public void Read_ThrowsForANegativeDimension() =>
        AssertInvalid(ArrayLeaf(Msgpack.Payload([-1], "uint8", [1])),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the dimension -1 is out of range (0 to 2147483647).");

    [TestMethod]
    public void Read_ThrowsForTooManyDimensions() =>
        AssertInvalid(ArrayLeaf(Msgpack.Payload(new int[65], "uint8", [])),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the shape has 65 dimensions; at most 64 are allowed.");

    [TestMethod]
    public void Read_ThrowsForAnUnknownDType() =>
        AssertInvalid(ArrayLeaf(Msgpack.Payload([1], "float8_e4m3fn", new byte[1])),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): unsupported dtype \"float8_e4m3fn\"; supported: float32, float64, float16, bfloat16, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool, complex64, complex128.");

    [TestMethod]
    public void Read_ThrowsForAPayloadThatIsNotATriple() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.WriteArrayHeader(0); w.Write("bool"); })),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): an array payload must be the msgpack list (shape, dtype, bytes).");

    [TestMethod]
    public void Read_ThrowsForANumpyScalarWithAShape() =>
        AssertInvalid(ArrayLeaf(Msgpack.Payload([2], "int8", [1, 2]), type: 3),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): a numpy scalar must have shape (), got (2,).");

    [TestMethod]
    public void Read_ThrowsForABadComplexPayload() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(1.0); w.Write("i"); }), type: 2),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): a complex part must be a number, got String.");

    [TestMethod]
    public void Read_ThrowsForAnInvalidMsgpackCode() =>
        AssertInvalid(Msgpack.Leaf((ref MessagePackWriter w) => w.WriteRaw([0xc1])),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the msgpack code 0xc1 is not a value.");

    [TestMethod]
    public void Read_ThrowsForChunksThatDoNotFillTheShape()
    {
        var bytes = Msgpack.Leaf((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("__msgpack_chunked_array__");
            w.Write(true);
            w.Write("shape");
            w.WriteMapHeader(1);
            w.Write("0");
            w.Write(5);
            w.Write("chunks");
            w.WriteMapHeader(1);
            w.Write("0");
            Msgpack.Ext(ref w, 1, Msgpack.Payload([4], "int8", [1, 2, 3, 4]));
        });

        AssertInvalid(bytes, "Invalid Flax checkpoint at \"params/x\" (byte 11): the chunks hold 4 elements but shape (5,) needs 5.");
    }

    [TestMethod]
    public void Read_ThrowsForChunksOfMixedDTypes()
    {
        var bytes = Msgpack.Leaf((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("__msgpack_chunked_array__");
            w.Write(true);
            w.Write("chunks");
            w.WriteMapHeader(2);
            w.Write("1");
            Msgpack.Ext(ref w, 1, Msgpack.Payload([1], "uint8", [1]));
            w.Write("0");
            Msgpack.Ext(ref w, 1, Msgpack.Payload([1], "int8", [1]));
            w.Write("shape");
            w.WriteMapHeader(1);
            w.Write("0");
            w.Write(2);
        });

        AssertInvalid(bytes, "Invalid Flax checkpoint at \"params/x\" (byte 11): chunk 1 is uint8 but chunk 0 is int8.");
    }

    [TestMethod]
    public void Read_ThrowsForAChunkedArrayWithoutChunks() =>
        AssertInvalid(Msgpack.Leaf((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.Write("__msgpack_chunked_array__"); w.Write(true); }),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): a chunked array has exactly the keys __msgpack_chunked_array__, shape and chunks; got \"__msgpack_chunked_array__\".");

    [TestMethod]
    public void Read_ThrowsWhenTheTopLevelIsAChunkedArray()
    {
        var bytes = Msgpack.Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("__msgpack_chunked_array__");
            w.Write(true);
            w.Write("shape");
            w.WriteMapHeader(0);
            w.Write("chunks");
            w.WriteMapHeader(1);
            w.Write("0");
            Msgpack.Ext(ref w, 1, Msgpack.Payload([1], "int8", [1]));
        });

        AssertInvalid(bytes, "Invalid Flax checkpoint at the top level (byte 0): the top level is a chunked array, not a dict of collections.");
    }

    private static byte[] Chunked(Msgpack.Body shape, Msgpack.Body chunks) => Msgpack.Leaf((ref MessagePackWriter w) =>
    {
        w.WriteMapHeader(3);
        w.Write("__msgpack_chunked_array__");
        w.Write(true);
        w.Write("shape");
        shape(ref w);
        w.Write("chunks");
        chunks(ref w);
    });

    private static void OneChunk(ref MessagePackWriter w)
    {
        w.WriteMapHeader(1);
        w.Write("0");
        Msgpack.Ext(ref w, 1, Msgpack.Payload([1], "int8", [1]));
    }

    private static void ShapeOfOne(ref MessagePackWriter w)
    {
        w.WriteMapHeader(1);
        w.Write("0");
        w.Write(1);
    }

    [TestMethod]
    public void Read_ThrowsForAChunkedArrayWithNoChunks() =>
        AssertInvalid(Chunked((ref MessagePackWriter w) => w.WriteMapHeader(0), (ref MessagePackWriter w) => w.WriteMapHeader(0)),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): a chunked array needs at least one chunk.");

    [TestMethod]
    public void Read_ThrowsForAChunkedShapeThatIsNotADict() =>
        AssertInvalid(Chunked((ref MessagePackWriter w) => w.Write(5), OneChunk),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the chunked array's shape must be a dict, got Int64 5.");

    [TestMethod]
    public void Read_ThrowsForChunksWithAMissingIndex() =>
        AssertInvalid(Chunked(ShapeOfOne, (ref MessagePackWriter w) =>
            {
                w.WriteMapHeader(1);
                w.Write("1");
                Msgpack.Ext(ref w, 1, Msgpack.Payload([1], "int8", [1]));
            }),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the chunked array's chunks has 1 entries but no key \"0\".");

    [TestMethod]
    public void Read_ThrowsForAChunkThatIsNotAVector() =>
        AssertInvalid(Chunked(ShapeOfOne, (ref MessagePackWriter w) => { w.WriteMapHeader(1); w.Write("0"); w.Write(1); }),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): chunk 0 must be a 1-D array, got Int64 1.");

    [TestMethod]
    public void Read_ThrowsForAChunkedDimensionThatIsNotAnInteger() =>
        AssertInvalid(Chunked((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.Write("0"); w.Write("one"); }, OneChunk),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): a dimension must be an integer, got a string.");

    [TestMethod]
    public void Read_ThrowsForAChunkedShapeWithTooManyDimensions() =>
        AssertInvalid(Chunked((ref MessagePackWriter w) =>
            {
                w.WriteMapHeader(65);
                for (int i = 0; i < 65; i++) { w.Write(i.ToString(System.Globalization.CultureInfo.InvariantCulture)); w.Write(1); }
            }, OneChunk),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the shape has 65 dimensions; at most 64 are allowed.");

    [TestMethod]
    public void Read_ThrowsForAShapeThatIsNotAList() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(5); w.Write("int8"); w.Write(new byte[5]); })),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the shape must be a msgpack list, got Integer.");

    [TestMethod]
    public void Read_ThrowsForADimensionThatIsNotAnInteger() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.WriteArrayHeader(1); w.Write(1.5); w.Write("int8"); w.Write(new byte[1]); })),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): a dimension must be an integer, got Float.");

    [TestMethod]
    public void Read_ThrowsForADTypeNameThatIsNotAString() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.WriteArrayHeader(1); w.Write(1); w.Write(5); w.Write(new byte[1]); })),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the dtype name must be a string, got Integer.");

    [TestMethod]
    public void Read_ThrowsForArrayDataThatIsNotBytes() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.WriteArrayHeader(1); w.Write(1); w.Write("int8"); w.Write(7); })),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the array data must be bytes, got Integer.");

    [TestMethod]
    public void Read_ThrowsForAComplexPayloadThatIsNotAPair() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(1.0); w.Write(2.0); w.Write(3.0); }), type: 2),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): a complex payload must be the msgpack pair (real, imag).");

    [TestMethod]
    public void Read_ThrowsForBytesAfterAComplexPair() =>
        AssertInvalid(ArrayLeaf(Msgpack.Build((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(1.0); w.Write(2.0); w.WriteNil(); }), type: 2),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): the complex payload has 1 bytes after its (real, imag) pair.");
}
