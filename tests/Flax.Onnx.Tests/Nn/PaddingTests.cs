namespace Flax.Tests.Nn;

[TestClass]
public sealed class PaddingTests
{
    [TestMethod]
    public void SameGivesCeilOutputsWithTheOddPadAtTheEnd()
    {
        // n=5, window=3, stride=2: 3 outputs need (3-1)*2+3-5 = 2 pads; n=6, window=4, stride=1: 3 pads, 1 before, 2 after.
        CollectionAssert.AreEqual(new[] { (1, 1), (1, 2), (0, 0) },
            Padding.Same.Resolve([5, 6, 4], [3, 4, 1], [2, 1, 4]));
    }

    [TestMethod]
    public void ValidPadsNothing() =>
        CollectionAssert.AreEqual(new[] { (0, 0), (0, 0) }, Padding.Valid.Resolve([5, 6], [3, 4], [2, 1]));

    [TestMethod]
    public void ExplicitPairsAreUsedAsGiven() =>
        CollectionAssert.AreEqual(new[] { (3, 3), (-1, 2) }, Padding.Explicit((3, 3), (-1, 2)).Resolve([5, 6], [3, 4], [2, 1]));

    [TestMethod]
    public void TransposeSameAndValidFollowConvTranspose()
    {
        // lax._conv_transpose_padding: SAME k=3,s=2 -> (2, 1); k=4,s=1 -> (2, 1); VALID k=3,s=2 -> (2, 2); k=1,s=3 -> (0, 2).
        CollectionAssert.AreEqual(new[] { (2, 1), (2, 1) }, Padding.Same.ResolveTranspose([3, 4], [2, 1]));
        CollectionAssert.AreEqual(new[] { (2, 2), (0, 2) }, Padding.Valid.ResolveTranspose([3, 1], [2, 3]));
    }

    [TestMethod]
    public void StringsConvertCaseInsensitively()
    {
        Assert.AreSame(Padding.Same, (Padding)"SAME");
        Assert.AreSame(Padding.Valid, (Padding)"valid");
        Assert.AreEqual("'SAME'", Padding.Same.ToString());
        Assert.AreEqual("((1, 2),)", Padding.Explicit((1, 2)).ToString());
    }

    [TestMethod]
    public void UnknownStringThrows()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => { Padding p = "CIRCULAR"; });
        Assert.AreEqual("Unrecognized padding type: expected 'VALID' or 'SAME', got CIRCULAR. (Parameter 'name')", e.Message);
    }

    [TestMethod]
    public void WrongNumberOfPairsThrows()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Padding.Explicit((1, 1)).Resolve([5, 6], [3, 3], [1, 1]));
        Assert.AreEqual("padding ((1, 1),) must specify pads for same number of dims as the window (2 spatial dimensions).", e.Message);
    }
}
