using Flax.Examples.Design;
using Flax.Tests.Nn;
using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Design;

/// <summary>The attention example (Flax's <c>core_attention_test.py</c> needs <c>lift.vmap</c>; see the example).</summary>
[TestClass]
public sealed class AttentionDesignTests
{
    [TestMethod]
    public void Attention()
    {
        var rngs = new Rngs(("params", PrngKey.Create(0)), ("dropout", PrngKey.Create(1)));
        var (y, variables) = Core.Init(Examples.Design.Attention.Model)(rngs, NDArray.Ones(DType.Float32, 2, 7, 16));
        CollectionAssert.AreEqual(new[] { 2, 7, 16 }, y.Shape);
        ShapeTree.AssertEqual(variables, ("key/bias", "(2, 8)"), ("key/kernel", "(16, 2, 8)"), ("out/bias", "(16,)"), ("out/kernel", "(2, 8, 16)"),
            ("query/bias", "(2, 8)"), ("query/kernel", "(16, 2, 8)"), ("value/bias", "(2, 8)"), ("value/kernel", "(16, 2, 8)"));
        Assert.AreEqual(1_088, ShapeTree.Count(variables));
    }
}
