using Flax.Examples.Design;
using Flax.Tests.Nn;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>core_big_resnets_test.py</c> (<c>lift.remat_scan</c>), with a loop check on a smaller stack.</summary>
[TestClass]
public sealed class BigResNetDesignTests
{
    [TestMethod]
    public void BigResnet()
    {
        var x = Prng.Normal(PrngKey.Create(0), [1, 8, 8, 8]);
        var (y, variables) = Core.Init((s, h) => BigResNet.Model(s, h))(PrngKey.Create(1), x);
        CollectionAssert.AreEqual(new[] { 1, 8, 8, 8 }, y.Shape);
        ShapeTree.AssertEqual(variables, ("bn_1/bias", "(10, 5, 8)"), ("bn_1/scale", "(10, 5, 8)"), ("bn_2/bias", "(10, 5, 8)"),
            ("bn_2/scale", "(10, 5, 8)"), ("conv_1/kernel", "(10, 5, 3, 3, 8, 8)"), ("conv_2/kernel", "(10, 5, 3, 3, 8, 8)"));
        ShapeTree.AssertEqual(variables, "batch_stats", ("bn_1/mean", "(10, 5, 8)"), ("bn_1/var", "(10, 5, 8)"),
            ("bn_2/mean", "(10, 5, 8)"), ("bn_2/var", "(10, 5, 8)"));
    }

    /// <summary>The remat_scan of lengths (2, 3) equals six residual blocks applied one after another, each with its
    /// slice <c>[i, j]</c> of every variable (training-mode batch norm; tolerance 1e-4).</summary>
    [TestMethod]
    public void RematScanEqualsALoopOfBlocks()
    {
        var x = Prng.Normal(PrngKey.Create(0), [2, 4, 4, 3]);
        Tensor Model(Scope s, Tensor h) => BigResNet.Model(s, h, [2, 3]);
        var (_, variables) = Core.Init(Model)(PrngKey.Create(1), x);
        var (y, _) = Core.Apply(Model, "batch_stats")(variables, x);
        var h = x;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
            {
                var block = variables.Map(leaf => Slices.Index(Slices.Index((NDArray)leaf, i), j));
                (h, _) = Core.Apply((s, t) => BigResNet.ResidualBlock(s, t, 3), "batch_stats")(block, h);
            }
        var (expected, actual) = (h.ToArray<float>(), y.ToArray<float>());
        for (int k = 0; k < expected.Length; k++)
            Assert.IsTrue(Math.Abs(expected[k] - actual[k]) <= 1e-4, $"element {k}: {actual[k]} vs {expected[k]}");
    }
}
