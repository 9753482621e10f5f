namespace Flax.Tests.Nn.Reference;

/// <summary>The direct-loop references checked against each other and against hand-computed values.</summary>
[TestClass]
public sealed class ReferenceTests
{
    [TestMethod]
    public void ScatterTransposeEqualsGatherWithInputDilation()
    {
        var x = TestData.Normal(1, 2, 5, 4, 3);
        var w = TestData.Normal(2, 3, 2, 3, 4);
        (int, int)[] pads = [(2, 1), (0, 2)];
        TestData.AssertClose(
            ConvReference.Conv(x, w, [1, 1], pads, inputDilation: [2, 3], kernelDilation: [1, 2], groups: 1),
            ConvReference.ConvTranspose(x, w, [2, 3], pads, kernelDilation: [1, 2]));
    }

    [TestMethod]
    public void ConvOfAHandExample()
    {
        // 1-D, one channel: x = [1, 2, 3, 4], w = [1, 10], stride 2, pad (1, 0): windows [0,1] [2,3] -> 10, 2 + 30.
        var y = ConvReference.Conv(NDArray.From([1f, 2, 3, 4], 1, 4, 1), NDArray.From([1f, 10], 2, 1, 1), [2], [(1, 0)], [1], [1], 1);
        CollectionAssert.AreEqual(new[] { 10f, 32f }, y.ToArray<float>());
    }

    [TestMethod]
    public void PoolsOfAHandExample()
    {
        var x = NDArray.From([1f, 5, 3, 4], 1, 4, 1);
        CollectionAssert.AreEqual(new[] { 5f, 5f }, PoolReference.Max(x, [3], [2], [(1, 1)]).ToArray<float>());
        CollectionAssert.AreEqual(new[] { 2f, 4f }, PoolReference.Avg(x, [3], [2], [(1, 1)], countIncludePad: true).ToArray<float>());
        CollectionAssert.AreEqual(new[] { 3f, 4f }, PoolReference.Avg(x, [3], [2], [(1, 1)], countIncludePad: false).ToArray<float>());
    }
}
