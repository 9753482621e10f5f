using System.Numerics;
using MessagePack;

namespace Flax.Tests.Serialization;

/// <summary>
/// Leaves whose kind a plain .NET value would lose: Python's <c>None</c> (<see cref="NoneLeaf"/>), numpy's int64,
/// float64 and bool scalars beside Python's int, float and bool (<see cref="NumpyScalar{T}"/>), and complex arrays and
/// scalars (<see cref="ComplexArray"/>), read from tests/fixtures/make_flax_trainstates.py's kinds.msgpack (an
/// independent producer of Flax's layout) and written back byte for byte.
/// </summary>
[TestClass]
public sealed class CheckpointKindsTests
{
    [TestMethod]
    public void ReadsNumpyScalarKinds()
    {
        var kinds = FlaxCheckpoint.Read(ExpectedValues.Fixture("kinds.msgpack"));

        var numpy = (VariableDict)kinds["numpy"];
        Assert.AreEqual(new NumpyScalar<long>(-7), numpy["int64"]);
        Assert.AreEqual(new NumpyScalar<double>(0.1), numpy["float64"]);
        Assert.AreEqual(new NumpyScalar<bool>(true), numpy["true"]);
        Assert.AreEqual(new NumpyScalar<bool>(false), numpy["false"]);
        Assert.AreEqual("np.int64(-7)", numpy["int64"].ToString());
        var python = (VariableDict)kinds["python"];
        Assert.AreEqual(-7L, python["int"]);
        Assert.AreEqual(0.1, python["float"]);
        Assert.AreEqual(true, python["true"]);
        Assert.AreSame(NoneLeaf.Value, kinds["none"]);
    }

    [TestMethod]
    public void ReadsComplexDTypes()
    {
        var kinds = FlaxCheckpoint.Read(ExpectedValues.Fixture("kinds.msgpack"));

        var numpy = (VariableDict)kinds["numpy"];
        var c64 = ((NumpyScalar<ComplexArray>)numpy["complex64"]).Value;
        Assert.AreEqual("complex64", c64.DTypeName);
        Assert.AreEqual(0, c64.Shape.Count);
        CollectionAssert.AreEqual(new[] { new Complex(1.5, -2) }, c64.ToArray());
        Assert.AreEqual("np.complex64((1.5-2j))", numpy["complex64"].ToString());
        var c128 = ((NumpyScalar<ComplexArray>)numpy["complex128"]).Value;
        Assert.IsFalse(c128.IsSinglePrecision);
        CollectionAssert.AreEqual(new[] { new Complex(0.1, 0.2) }, c128.ToArray());
        var arrays = (VariableDict)kinds["arrays"];
        var a64 = (ComplexArray)arrays["complex64"];
        CollectionAssert.AreEqual(new[] { 2, 3 }, a64.Shape.ToArray());
        CollectionAssert.AreEqual(
            new[] { new Complex(1, 2), new Complex(0, -0.5), new Complex(3, 0), new Complex(0.25, 0), new Complex(-1, -1), new Complex(0, 2) },
            a64.ToArray());
        Assert.AreEqual("complex64 (2, 3)", a64.ToString());
        var a128 = (ComplexArray)arrays["complex128"];
        CollectionAssert.AreEqual(new[] { new Complex(0.1, 0.2), new Complex(-1e300, 1e-300) }, a128.ToArray());
    }

    [TestMethod]
    public void KindsRoundTripByteForByte()
    {
        var original = ExpectedValues.Fixture("kinds.msgpack");

        CollectionAssert.AreEqual(original, FlaxCheckpoint.ToBytes(FlaxCheckpoint.Read(original)));
    }

    [TestMethod]
    public void WritesKindsAsNumpyDoes()
    {
        var tree = new VariableDict(
            ("i", new NumpyScalar<long>(3)), ("f", new NumpyScalar<double>(0.5)), ("b", new NumpyScalar<bool>(true)),
            ("c", new ComplexArray([new Complex(1, -1)], [1], singlePrecision: true)), ("n", NoneLeaf.Value), ("p", 3L));

        var restored = FlaxCheckpoint.Read(FlaxCheckpoint.ToBytes(tree));

        Assert.AreEqual(new NumpyScalar<long>(3), restored["i"]);
        Assert.AreEqual(new NumpyScalar<double>(0.5), restored["f"]);
        Assert.AreEqual(new NumpyScalar<bool>(true), restored["b"]);
        CollectionAssert.AreEqual(new[] { new Complex(1, -1) }, ((ComplexArray)restored["c"]).ToArray());
        Assert.AreSame(NoneLeaf.Value, restored["n"]);
        Assert.AreEqual(3L, restored["p"]);
        // np.int64(3) is extension 3 with the payload ((), "int64", 8 bytes); Python's 3 is the single byte 0x03.
        var bytes = FlaxCheckpoint.ToBytes(new VariableDict(("i", new NumpyScalar<long>(3))));
        var reader = new MessagePackReader(bytes);
        reader.ReadMapHeader();
        reader.ReadString();
        Assert.AreEqual(3, reader.ReadExtensionFormatHeader().TypeCode);
    }

    [TestMethod]
    public void ComplexArrayRejectsAWrongCount()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ComplexArray([Complex.One], [2, 2]));

        Assert.AreEqual("1 complex values do not fill the shape (2, 2). (Parameter 'values')", e.Message);
    }

    [TestMethod]
    public void ComplexArrayRejectsMoreThan64Dimensions()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ComplexArray([Complex.One], new int[65].Select(_ => 1).ToArray()));

        Assert.AreEqual("A complex array has at most 64 dimensions, got 65. (Parameter 'shape')", e.Message);
    }

    [TestMethod]
    public void Read_ThrowsForAComplexArrayOfTheWrongSize() =>
        AssertInvalid(Msgpack.Leaf((ref MessagePackWriter w) =>
Msgpack.Ext(ref w, 1, Msgpack.Payload([2], "complex64", new byte[12]))),
            "Invalid Flax checkpoint at \"params/x\" (byte 11): shape (2,) of complex64 needs 2 elements, but the data has 12 bytes.");

    [TestMethod]
    public void RestoreTreatsNoneAsAbsent()
    {
        var target = new VariableDict(("params", new VariableDict(("w", NDArray.Zeros(DType.Float32, 2)))));
        var loaded = new VariableDict(("params", new VariableDict(("w", NDArray.Ones(DType.Float32, 2)))), ("batch_stats", NoneLeaf.Value));

        var restored = FlaxCheckpoint.Restore(target, loaded);

        CollectionAssert.AreEqual(new[] { "params" }, restored.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 1f }, ((NDArray)restored.Flatten()["params/w"]).ToArray<float>());
    }

    [TestMethod]
    public void RestoreReportsNoneWhereTheTargetHasValues()
    {
        var target = new VariableDict(("params", new VariableDict(("w", NDArray.Zeros(DType.Float32, 2)))), ("batch_stats", new VariableDict(("m", NDArray.Zeros(DType.Float32, 2)))));
        var loaded = new VariableDict(("params", new VariableDict(("w", NDArray.Ones(DType.Float32, 2)))), ("batch_stats", NoneLeaf.Value));

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.Restore(target, loaded));

        Assert.AreEqual("The checkpoint does not fit the target variables: 1 missing key, 0 unexpected keys, 0 mismatched leaves.\n  missing key \"batch_stats\"", e.Message);
    }

    private static void AssertInvalid(byte[] bytes, string message)
    {
        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.Read(bytes));
        Assert.AreEqual(message, e.Message);
    }
}
