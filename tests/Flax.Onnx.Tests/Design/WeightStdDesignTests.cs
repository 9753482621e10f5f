using Flax.Examples.Design;
using Flax.Tests.Nn;
using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>tests/core/design/core_weight_std_test.py</c>.</summary>
[TestClass]
public sealed class WeightStdDesignTests
{
    [TestMethod]
    public void WeightStd()
    {
        var x = Prng.Normal(PrngKey.Create(0), [1, 4]);
        var (y, variables) = Core.Init(Examples.Design.WeightStd.Mlp)(PrngKey.Create(1), x);
        ShapeTree.AssertEqual(variables, ("hidden_0/bias", "(8,)"), ("hidden_0/kernel", "(4, 8)"), ("out/bias", "(1,)"), ("out/kernel", "(8, 1)"));
        Assert.AreEqual(49, ShapeTree.Count(variables));
        CollectionAssert.AreEqual(new[] { 1, 1 }, y.Shape);
        Assert.IsTrue(y.Item<float>() < 1.0f, $"y = {y.Item<float>()}");   // NaN-strict, unlike Assert.IsLessThan
        Assert.AreEqual(y.Item<float>(), Core.Apply(Examples.Design.WeightStd.Mlp)(variables, x).Item<float>(), 1e-5);

        // init publishes the standardised kernel: every column has unit norm although it was drawn with stddev 1e5.
        var kernel = ((NDArray)variables.Flatten()["params/hidden_0/kernel"]).ToArray<float>();
        for (int j = 0; j < 8; j++)
            Assert.AreEqual(1.0, Math.Sqrt(Enumerable.Range(0, 4).Sum(i => (double)kernel[i * 8 + j] * kernel[i * 8 + j])), 1e-5);
    }
}
