using Flax.Examples.Design;
using Flax.Tests.Nn;
using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>tests/core/design/core_dense_test.py</c> (<c>DenseTest</c>).</summary>
[TestClass]
public sealed class DenseDesignTests
{
    [TestMethod]
    public void Dense()
    {
        var (y, variables) = Core.Init((s, x) => new DenseDesign.Dense(4).Call(s, x))(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 3));
        CollectionAssert.AreEqual(new[] { 1, 4 }, y.Shape);
        ShapeTree.AssertEqual(variables, ("bias", "(4,)"), ("kernel", "(3, 4)"));
        Assert.AreEqual(16, ShapeTree.Count(variables));
    }

    [TestMethod]
    public void ExplicitDense()
    {
        var (y, variables) = Core.Init(DenseDesign.ExplicitMlp)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 4));
        CollectionAssert.AreEqual(new[] { 1, 1 }, y.Shape);
        ShapeTree.AssertEqual(variables, ("dense_0/bias", "(3,)"), ("dense_0/kernel", "(4, 3)"), ("dense_1/bias", "(1,)"), ("dense_1/kernel", "(3, 1)"));
        Assert.AreEqual(19, ShapeTree.Count(variables));
        var keys = PrngKey.Create(0).FoldInStatic(1).Split(2);
        CollectionAssert.AreEqual(Flax.Nn.DefaultKernelInit(keys[0], [4, 3], DType.Float32).ToArray<float>(),
            ((NDArray)variables.Flatten()["params/dense_0/kernel"]).ToArray<float>());
        Assert.AreEqual(y.Item<float>(), Core.Apply(DenseDesign.ExplicitMlp)(variables, NDArray.Ones(DType.Float32, 1, 4)).Item<float>(), 1e-6);
    }

    [TestMethod]
    public void SemiExplicitDense()
    {
        var (y, variables) = Core.Init(DenseDesign.SemiExplicitMlp)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 4));
        CollectionAssert.AreEqual(new[] { 1, 1 }, y.Shape);
        ShapeTree.AssertEqual(variables, ("dense_0/bias", "(3,)"), ("dense_0/kernel", "(4, 3)"), ("dense_1/bias", "(1,)"), ("dense_1/kernel", "(3, 1)"));
        Assert.AreEqual(19, ShapeTree.Count(variables));
    }

    [TestMethod]
    public void Mlp()
    {
        var (y, variables) = Core.Init(Examples.Design.Mlp.Model)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 4));
        CollectionAssert.AreEqual(new[] { 1, 1 }, y.Shape);
        ShapeTree.AssertEqual(variables, ("hidden_0/bias", "(8,)"), ("hidden_0/kernel", "(4, 8)"), ("out/bias", "(1,)"), ("out/kernel", "(8, 1)"));
        Assert.AreEqual(49, ShapeTree.Count(variables));
    }
}
