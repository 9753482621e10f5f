namespace Flax.Tests.Arrays;

[TestClass]
public sealed class NDArrayCompareTests
{
    [TestMethod]
    public void ArrayEqualsComparesShapeDtypeAndValues()
    {
        var a = NDArray.From([1f, 2f, 3f, 4f], 2, 2);
        Assert.IsTrue(a.ArrayEquals(NDArray.From([1f, 2f, 3f, 4f], 2, 2)));
        Assert.IsFalse(a.ArrayEquals(NDArray.From([1f, 2f, 3f, 4f], 4)));
        Assert.IsFalse(a.ArrayEquals(NDArray.From([1.0, 2.0, 3.0, 4.0], 2, 2)));
        Assert.IsFalse(a.ArrayEquals(NDArray.From([1f, 2f, 3f, 5f], 2, 2)));
        Assert.IsTrue(NDArray.From([7, -1]).ArrayEquals(NDArray.From([7, -1])));
        Assert.IsFalse(NDArray.From([7, -1]).ArrayEquals(NDArray.From([7, 1])));
    }

    [TestMethod]
    public void ArrayEqualsTreatsSignedZerosAsEqualAndNanAsUnequal()
    {
        Assert.IsTrue(NDArray.From([0f]).ArrayEquals(NDArray.From([-0f])));
        Assert.IsFalse(NDArray.From([float.NaN]).ArrayEquals(NDArray.From([float.NaN])));
        Assert.IsTrue(NDArray.From([float.NaN]).ArrayEquals(NDArray.From([float.NaN]), equalNan: true));
    }

    [TestMethod]
    public void AllCloseUsesNumpysFormula()
    {
        var reference = NDArray.From([1000.0, 1e-9]);
        Assert.IsTrue(NDArray.From([1000.009, 1.5e-9]).AllClose(reference));   // 0.009 <= 1e-8 + 1e-5 * 1000
        Assert.IsFalse(NDArray.From([1000.011, 1e-9]).AllClose(reference));
        Assert.IsTrue(NDArray.From([1.1f, 2f]).AllClose(NDArray.From([1.0, 2.0]), rtol: 0, atol: 0.1 + 1e-6));
        Assert.IsFalse(NDArray.From([1.1f, 2f]).AllClose(NDArray.From([1.0, 2.0]), rtol: 0, atol: 0.05));
        Assert.IsFalse(NDArray.From([1f, 2f]).AllClose(NDArray.From([1f, 2f], 2, 1)));
    }

    [TestMethod]
    public void AllCloseHandlesInfinityAndNan()
    {
        Assert.IsTrue(NDArray.From([double.PositiveInfinity]).AllClose(NDArray.From([double.PositiveInfinity])));
        Assert.IsFalse(NDArray.From([double.PositiveInfinity]).AllClose(NDArray.From([double.NegativeInfinity])));
        Assert.IsFalse(NDArray.From([double.NaN]).AllClose(NDArray.From([double.NaN])));
        Assert.IsTrue(NDArray.From([double.NaN]).AllClose(NDArray.From([double.NaN]), equalNan: true));
    }

    [TestMethod]
    public void AllCloseRejectsNegativeTolerance()
    {
        var a = NDArray.From([1f]);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => a.AllClose(a, rtol: -1));
        Assert.AreEqual("The tolerance must be non-negative. (Parameter 'rtol')\nActual value was -1.", e.Message);
    }
}
