namespace Flax.Tests.Arrays;

/// <summary>Construction, element access, reshape and the error paths of <see cref="NDArray"/> and <see cref="TensorSpec"/>.</summary>
[TestClass]
public sealed class NDArrayTests
{
    [TestMethod]
    public void FromCopiesTheDataInCOrder()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        var x = NDArray.From(data, 2, 3);
        data[0] = 99;
        Assert.AreEqual(DType.Float32, x.DType);
        CollectionAssert.AreEqual(new[] { 2, 3 }, x.Shape);
        Assert.AreEqual(2, x.Rank);
        Assert.AreEqual(6L, x.Size);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6 }, x.ToArray<float>());
        Assert.AreEqual(6f, x.Get<float>(1, 2));
        Assert.AreEqual(4f, x.Get<float>(-1, 0));
    }

    [TestMethod]
    public void FromWithoutShapeIsOneDimensionalOrScalar()
    {
        CollectionAssert.AreEqual(new[] { 3 }, NDArray.From([1, 2, 3]).Shape);
        CollectionAssert.AreEqual(Array.Empty<int>(), NDArray.From([7L]).Shape);
        CollectionAssert.AreEqual(new[] { 0 }, NDArray.From(Array.Empty<int>()).Shape);
        Assert.AreEqual(7L, NDArray.From([7L]).Item<long>());
    }

    [TestMethod]
    public void ShapeIsACopy()
    {
        var x = NDArray.Zeros(DType.Int8, 2, 3);
        x.Shape[0] = 5;
        CollectionAssert.AreEqual(new[] { 2, 3 }, x.Shape);
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    [DataRow(DType.Float16)]
    [DataRow(DType.BFloat16)]
    [DataRow(DType.Int8)]
    [DataRow(DType.Int16)]
    [DataRow(DType.Int32)]
    [DataRow(DType.Int64)]
    [DataRow(DType.UInt8)]
    [DataRow(DType.UInt16)]
    [DataRow(DType.UInt32)]
    [DataRow(DType.UInt64)]
    public void FullConvertsTheValueToEveryNumericDType(DType dtype)
    {
        var x = NDArray.Full(dtype, 3.0, 2, 2);
        Assert.AreEqual(dtype, x.DType);
        Assert.AreEqual(4 * dtype.ItemSize(), x.Bytes.Length);
        double[] values = dtype switch
        {
            DType.Float32 => [.. x.ToArray<float>().Select(v => (double)v)],
            DType.Float64 => x.ToArray<double>(),
            DType.Float16 => [.. x.ToArray<Half>().Select(v => (double)v)],
            DType.BFloat16 => [.. x.ToArray<BFloat16>().Select(v => (double)(float)v)],
            DType.Int8 => [.. x.ToArray<sbyte>().Select(v => (double)v)],
            DType.Int16 => [.. x.ToArray<short>().Select(v => (double)v)],
            DType.Int32 => [.. x.ToArray<int>().Select(v => (double)v)],
            DType.Int64 => [.. x.ToArray<long>().Select(v => (double)v)],
            DType.UInt8 => [.. x.ToArray<byte>().Select(v => (double)v)],
            DType.UInt16 => [.. x.ToArray<ushort>().Select(v => (double)v)],
            DType.UInt32 => [.. x.ToArray<uint>().Select(v => (double)v)],
            _ => [.. x.ToArray<ulong>().Select(v => (double)v)],
        };
        CollectionAssert.AreEqual(new[] { 3.0, 3.0, 3.0, 3.0 }, values);
        Assert.IsTrue(NDArray.Zeros(dtype, 2, 2).Bytes.ToArray().All(b => b == 0));
    }

    [TestMethod]
    public void FullOfBoolIsTrueForNonZero()
    {
        CollectionAssert.AreEqual(new[] { true, true }, NDArray.Full(DType.Bool, 0.5, 2).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { false }, NDArray.Full(DType.Bool, 0, 1).ToArray<bool>());
        CollectionAssert.AreEqual(new[] { true }, NDArray.Ones(DType.Bool, 1).ToArray<bool>());
    }

    [TestMethod]
    public void ReshapeKeepsTheElements()
    {
        var x = NDArray.From([1, 2, 3, 4, 5, 6], 2, 3);
        var y = x.Reshape(3, 2);
        CollectionAssert.AreEqual(new[] { 3, 2 }, y.Shape);
        Assert.AreEqual(3, y.Get<int>(1, 0));
        CollectionAssert.AreEqual(new[] { 2, 3 }, x.Shape);
        CollectionAssert.AreEqual(Array.Empty<int>(), NDArray.From([5], 1).Reshape().Shape);
    }

    [TestMethod]
    public void NullArgumentsThrowArgumentNullException()
    {
        Assert.AreEqual("data", Assert.ThrowsExactly<ArgumentNullException>(() => NDArray.From<float>(null!, 1)).ParamName);
        Assert.AreEqual("shape", Assert.ThrowsExactly<ArgumentNullException>(() => NDArray.From([1f], null!)).ParamName);
        Assert.AreEqual("shape", Assert.ThrowsExactly<ArgumentNullException>(() => NDArray.Zeros(DType.Float32, null!)).ParamName);
        Assert.AreEqual("shape", Assert.ThrowsExactly<ArgumentNullException>(() => NDArray.Ones(DType.Float32, null!)).ParamName);
        Assert.AreEqual("shape", Assert.ThrowsExactly<ArgumentNullException>(() => NDArray.Full(DType.Int8, 2, null!)).ParamName);
        Assert.AreEqual("shape", Assert.ThrowsExactly<ArgumentNullException>(() => NDArray.Scalar(1f).Reshape(null!)).ParamName);
        Assert.AreEqual("index", Assert.ThrowsExactly<ArgumentNullException>(() => NDArray.Scalar(1f).Get<float>(null!)).ParamName);
        Assert.AreEqual("shape", Assert.ThrowsExactly<ArgumentNullException>(() => new TensorSpec(DType.Float32, null!)).ParamName);
        Assert.AreEqual("shape", Assert.ThrowsExactly<ArgumentNullException>(() => Initializers.Zeros(PrngKey.Create(0), null!, DType.Float32)).ParamName);
    }

    [TestMethod]
    public void CountMismatch()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => NDArray.From(new float[2], 3));
        Assert.AreEqual("An array of shape (3,) and dtype float32 needs 3 elements, got 2.", e.Message);
    }

    [TestMethod]
    public void NegativeDimensions()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => NDArray.Zeros(DType.Float32, 2, -2));
        Assert.AreEqual("negative dimensions are not allowed: axis 1 has size -2.", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => NDArray.From(Array.Empty<int>(), -1));
        Assert.AreEqual("negative dimensions are not allowed: axis 0 has size -1.", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => NDArray.Scalar(1).Reshape(-1));
        Assert.AreEqual("negative dimensions are not allowed: axis 0 has size -1.", e.Message);
    }

    [TestMethod]
    public void ArraysLargerThanOneBuffer()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => NDArray.Zeros(DType.Float32, int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.AreEqual("An array of shape (2147483647, 2147483647, 2147483647) is too large for one buffer.", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => NDArray.Full(DType.Float64, 1, 300_000_000));
        Assert.AreEqual("An array of shape (300000000,) is too large for one buffer.", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Prng.Uniform(PrngKey.Create(0), [600_000_000]));
        Assert.AreEqual("An array of shape (600000000,) is too large for one buffer.", e.Message);
        Assert.AreEqual(0L, NDArray.Zeros(DType.Int8, int.MaxValue, int.MaxValue, int.MaxValue, 0).Size);
    }

    [TestMethod]
    public void UndefinedDType()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NDArray.Zeros((DType)99, 2));
        Assert.AreEqual("Unknown dtype. (Parameter 'dtype')\nActual value was 99.", e.Message);
    }

    [TestMethod]
    public void ItemNeedsExactlyOneElement()
    {
        Assert.AreEqual(2.5, NDArray.Full(DType.Float64, 2.5, 1, 1).Item<double>());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => NDArray.Zeros(DType.Float32, 2).Item<float>());
        Assert.AreEqual("item() needs an array of size 1, got shape (2,).", e.Message);
    }

    [TestMethod]
    public void WrongElementType()
    {
        var e = Assert.ThrowsExactly<InvalidCastException>(() => NDArray.Scalar(1f).Item<double>());
        Assert.AreEqual("This array holds float32, not Double.", e.Message);
        e = Assert.ThrowsExactly<InvalidCastException>(() => NDArray.Zeros(DType.Int32, 2).ToArray<uint>());
        Assert.AreEqual("This array holds int32, not UInt32.", e.Message);
    }

    [TestMethod]
    public void GetChecksTheIndex()
    {
        var x = NDArray.From([1, 2], 2);
        var rank = Assert.ThrowsExactly<ArgumentException>(() => x.Get<int>(0, 0));
        Assert.AreEqual("Index of rank 2 for an array of shape (2,). (Parameter 'index')", rank.Message);
        var high = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => x.Get<int>(2));
        Assert.AreEqual("Index 2 is out of bounds for axis 0 with size 2. (Parameter 'index')", high.Message);
        var low = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => x.Get<int>(-3));
        Assert.AreEqual("Index -3 is out of bounds for axis 0 with size 2. (Parameter 'index')", low.Message);
        Assert.AreEqual(2, x.Get<int>(-1));
    }

    [TestMethod]
    public void ReshapeToAnotherSize()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => NDArray.Zeros(DType.Float32, 2).Reshape(3));
        Assert.AreEqual("cannot reshape array of size 2 into shape (3,)", e.Message);
    }

    [TestMethod]
    public void TensorSpecChecksDimensions()
    {
        var spec = new TensorSpec(DType.Float16, -1, 4);
        Assert.AreEqual("ShapeDtypeStruct(shape=(None, 4), dtype=float16)", spec.ToString());
        Assert.AreEqual(new TensorSpec(DType.Float16, -1, 4), spec);
        Assert.AreNotEqual(new TensorSpec(DType.Float32, -1, 4), spec);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TensorSpec(DType.Float32, 2, -3));
        Assert.AreEqual("Invalid dimension -3 at axis 1: sizes are non-negative, or -1 for a dynamic axis. (Parameter 'shape')", e.Message);
    }
}
