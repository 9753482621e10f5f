using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class PoolingTests
{
    private static Tensor Pool(Tensor x, bool max, int[] window, int[] strides, Padding padding, bool countIncludePad) =>
        max ? Flax.Nn.MaxPool(x, window, strides, padding) : Flax.Nn.AvgPool(x, window, strides, padding, countIncludePad);

    /// <summary>(max, input shape, window, strides, padding, its explicit pairs, count_include_pad)</summary>
    public static IEnumerable<object[]> Cases =>
    [
        [true, new[] { 2, 6, 5, 3 }, new[] { 2, 2 }, new[] { 2, 2 }, "VALID", new[] { 0, 0, 0, 0 }, true],
        [true, new[] { 1, 7, 5, 2 }, new[] { 3, 2 }, new[] { 2, 2 }, "SAME", new[] { 1, 1, 0, 1 }, true],
        [true, new[] { 2, 5, 3 }, new[] { 3 }, new[] { 1 }, "EXPLICIT", new[] { 2, 1 }, true],
        [false, new[] { 2, 6, 5, 3 }, new[] { 3, 2 }, new[] { 1, 2 }, "VALID", new[] { 0, 0, 0, 0 }, true],
        [false, new[] { 1, 7, 5, 2 }, new[] { 3, 3 }, new[] { 2, 1 }, "SAME", new[] { 1, 1, 1, 1 }, true],
        [false, new[] { 1, 7, 5, 2 }, new[] { 3, 3 }, new[] { 2, 1 }, "SAME", new[] { 1, 1, 1, 1 }, false],
        [false, new[] { 2, 4, 4, 2, 2 }, new[] { 2, 2, 2 }, new[] { 2, 1, 1 }, "EXPLICIT", new[] { 0, 1, 1, 0, 1, 1 }, false],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void PoolsMatchDirectLoops(bool max, int[] shape, int[] window, int[] strides, string padding, int[] pads, bool countIncludePad)
    {
        var x = TestData.Normal(21, shape);
        (int, int)[] pairs = [.. Enumerable.Range(0, window.Length).Select(i => (pads[2 * i], pads[2 * i + 1]))];
        Padding p = padding == "SAME" ? Padding.Same : padding == "VALID" ? Padding.Valid : Padding.Explicit(pairs);
        var (y, _) = Evaluated.Init((_, xs) => Pool(xs[0], max, window, strides, p, countIncludePad), PrngKey.Create(0), x);
        var expected = max ? PoolReference.Max(x, window, strides, pairs) : PoolReference.Avg(x, window, strides, pairs, countIncludePad);
        TestData.AssertClose(expected, y, 1e-5, 1e-5);
    }

    [TestMethod]
    public void PoolsWithoutABatchAxis()
    {
        var x = TestData.Normal(22, 5, 4, 2);
        var (y, _) = Evaluated.Init((_, xs) => Flax.Nn.MaxPool(xs[0], [2, 2], [1, 2]), PrngKey.Create(0), x);
        var expected = PoolReference.Max(x.Reshape(1, 5, 4, 2), [2, 2], [1, 2], [(0, 0), (0, 0)]);
        TestData.AssertClose(expected.Reshape(4, 2, 2), y, 0, 0);
    }

    [TestMethod]
    public void PoolRejectsStridesOfAnotherLength()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((_, xs) => Flax.Nn.AvgPool(xs[0], [2, 2], [2]), PrngKey.Create(0), TestData.Normal(1, 1, 4, 4, 1)));
        Assert.AreEqual("len((2, 2)) must equal len((2,)) (Parameter 'strides')", e.Message);
    }
}
