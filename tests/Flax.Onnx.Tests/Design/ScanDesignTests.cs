using Flax.Examples.Design;
using Flax.Tests.Nn;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>core_scan_test.py</c> (<c>ScanTest</c>), checked against an explicit loop over the steps.</summary>
[TestClass]
public sealed class ScanDesignTests
{
    [TestMethod]
    public void ScanUnsharedParams()
    {
        var (y, variables) = Core.Init((s, x) => ScanMlp.Model(s, x, shareParams: false))(PrngKey.Create(1), Slices.TwoRows());
        Assert.AreEqual(2f, ((NDArray)variables.Flatten()["counter/i"]).Item<float>());
        ShapeTree.AssertEqual(variables, ("dense_0/bias", "(2, 1)"), ("dense_0/kernel", "(2, 4, 1)"));
        Assert.AreNotEqual(y.Get<float>(0, 0), y.Get<float>(1, 0));
        var kernel = ((NDArray)variables.Flatten()["params/dense_0/kernel"]).ToArray<float>();
        CollectionAssert.AreNotEqual(kernel[..4], kernel[4..]);
    }

    [TestMethod]
    public void ScanSharedParams()
    {
        var (y, variables) = Core.Init((s, x) => ScanMlp.Model(s, x, shareParams: true))(PrngKey.Create(1), Slices.TwoRows());
        Assert.AreEqual(2f, ((NDArray)variables.Flatten()["counter/i"]).Item<float>());
        ShapeTree.AssertEqual(variables, ("dense_0/bias", "(1,)"), ("dense_0/kernel", "(4, 1)"));
        Assert.AreEqual(y.Get<float>(0, 0), y.Get<float>(1, 0));
    }

    /// <summary>Each step's kernel is Flax's: LeCun normal from <c>split(key(1), 2)[i]</c> folded with <c>dense_0</c> and
    /// counter 3, since Flax traces the body twice (the broadcast pass draws counters 1 and 2 for kernel and bias).</summary>
    [TestMethod]
    public void UnsharedKernelsComeFromSplitKeysAfterTheBroadcastPass()
    {
        var (_, variables) = Core.Init((s, x) => ScanMlp.Model(s, x, shareParams: false))(PrngKey.Create(1), Slices.TwoRows());
        var kernel = ((NDArray)variables.Flatten()["params/dense_0/kernel"]).ToArray<float>();
        var keys = PrngKey.Create(1).Split(2);
        for (int i = 0; i < 2; i++)
            CollectionAssert.AreEqual(Initializers.LecunNormal()(keys[i].FoldInStatic("dense_0", 3), [4, 1], DType.Float32).ToArray<float>(),
                kernel[(i * 4)..((i + 1) * 4)], $"kernel slice {i}");
    }

    /// <summary>Applying the scan equals <c>y[i] = x[i] @ kernel[i] + bias[i]</c> computed on the host, and the counter
    /// comes back as 2 more than it went in.</summary>
    [TestMethod]
    public void ScanEqualsALoopOverSteps()
    {
        var x = Prng.Normal(PrngKey.Create(4), [3, 4]);
        static Tensor Model(Scope s, Tensor h) => ScanMlp.Model(s, h, shareParams: false);
        var (_, variables) = Core.Init(Model)(PrngKey.Create(1), x);
        var (y, state) = Core.Apply(Model, mutable: "counter")(variables, x);
        var flat = variables.Flatten();
        var (k, b, xs) = (((NDArray)flat["params/dense_0/kernel"]).ToArray<float>(), ((NDArray)flat["params/dense_0/bias"]).ToArray<float>(), x.ToArray<float>());
        for (int i = 0; i < 3; i++)
        {
            double expected = b[i];
            for (int j = 0; j < 4; j++) expected += (double)xs[i * 4 + j] * k[i * 4 + j];
            Assert.IsTrue(Math.Abs(y.Get<float>(i, 0) - expected) <= 1e-5, $"step {i}: {y.Get<float>(i, 0)} vs {expected}");
        }
        Assert.AreEqual(6f, ((NDArray)state.Flatten()["counter/i"]).Item<float>());
    }
}
