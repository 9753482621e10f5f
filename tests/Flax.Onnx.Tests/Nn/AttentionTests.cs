using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class AttentionTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);
    private static readonly PrngKey Key1 = PrngKey.Create(1);

    private static NDArray Param(VariableDict variables, string path) => (NDArray)variables.Flatten()["params/" + path];

    [TestMethod]
    public void DotProductAttentionOverOneAxisWithABias()
    {
        var (q, k, v) = (TestData.Normal(1, 2, 5, 3, 4), TestData.Normal(2, 2, 6, 3, 4), TestData.Normal(3, 2, 6, 3, 2));
        var bias = TestData.Normal(4, 2, 3, 5, 6);
        var (y, _) = Evaluated.Init((s, xs) => Flax.Nn.DotProductAttention(s, xs[0], xs[1], xs[2], bias: xs[3]), Key0, q, k, v, bias);
        var b = bias.ToArray<float>();
        TestData.AssertClose(LinearReference.Attention(q, k, v, (bb, h, i, j) => b[((bb * 3 + h) * 5 + i) * 6 + j]), y, 1e-5, 1e-4);
    }

    [TestMethod]
    public void DotProductAttentionOverTwoAxesNormalisesJointly()
    {
        var (q, k, v) = (TestData.Normal(5, 2, 2, 3, 2, 4), TestData.Normal(6, 2, 3, 2, 2, 4), TestData.Normal(7, 2, 3, 2, 2, 3));
        var (y, _) = Evaluated.Init((s, xs) => Flax.Nn.DotProductAttention(s, xs[0], xs[1], xs[2]), Key0, q, k, v);
        TestData.AssertClose(LinearReference.Attention(q, k, v), y, 1e-5, 1e-4);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void DotProductAttentionDropoutMasksTheWeights(bool broadcast)
    {
        var (q, k, v) = (TestData.Normal(8, 2, 4, 2, 3), TestData.Normal(9, 2, 5, 2, 3), TestData.Normal(10, 2, 5, 2, 3));
        var rngs = new Rngs(("params", Key0), ("dropout", Key1));
        var (y, _) = Evaluated.Init((s, xs) => Flax.Nn.DotProductAttention(s.Push("attn"), xs[0], xs[1], xs[2],
            dropoutRate: 0.25, broadcastDropout: broadcast), rngs, q, k, v);
        var keep = DropoutTests.Bernoulli(Key1.FoldInStatic("attn", 1), 0.75, broadcast ? 20 : 80);
        TestData.AssertClose(LinearReference.Attention(q, k, v,
            keep: (b, h, i, j) => keep[broadcast ? i * 5 + j : ((b * 2 + h) * 4 + i) * 5 + j] ? 1 / 0.75 : 0), y, 1e-5, 1e-4);
    }

    [TestMethod]
    public void DotProductAttentionRejectsAnAxisOutsideTheMiddle()
    {
        var x = TestData.Normal(1, 2, 3, 2, 4);
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.DotProductAttention(s, xs[0], xs[0], xs[0], axis: [2]), Key0, x));
        Assert.AreEqual("Attention axis must be between the batch axis and the last-two axes.", e.Message);
    }

    [TestMethod]
    public void MultiHeadAttentionProjectsWithDenseGeneralChildren()
    {
        var (xq, xkv) = (TestData.Normal(11, 2, 4, 6), TestData.Normal(12, 2, 5, 6));
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.MultiHeadDotProductAttention(s, xs[0], xs[1], numHeads: 2,
            qkvFeatures: 8, outFeatures: 3, biasInit: Initializers.Normal(0.5)), Key0, xq, xkv);

        ShapeTree.AssertEqual(variables, ("key/bias", "(2, 4)"), ("key/kernel", "(6, 2, 4)"), ("out/bias", "(3,)"),
            ("out/kernel", "(2, 4, 3)"), ("query/bias", "(2, 4)"), ("query/kernel", "(6, 2, 4)"), ("value/bias", "(2, 4)"),
            ("value/kernel", "(6, 2, 4)"));
        TestData.AssertClose(Flax.Nn.DefaultKernelInit(Key0.FoldInStatic("query", 1), [6, 8], DType.Float32).Reshape(6, 2, 4),
            Param(variables, "query/kernel"), 0, 0);
        TestData.AssertClose(Flax.Nn.DefaultKernelInit(Key0.FoldInStatic("out", 1), [8, 3], DType.Float32).Reshape(2, 4, 3),
            Param(variables, "out/kernel"), 0, 0);

        NDArray Project(NDArray x, string name) => LinearReference.Dense(x, Param(variables, name + "/kernel"), Param(variables, name + "/bias"));
        var attended = LinearReference.Attention(Project(xq, "query"), Project(xkv, "key"), Project(xkv, "value"));
        var expected = LinearReference.Dense(attended, Param(variables, "out/kernel"), Param(variables, "out/bias"), contracted: 2);
        TestData.AssertClose(expected, y, 1e-5, 1e-4);
    }

    [TestMethod]
    public void MultiHeadSelfAttentionWithCausalAndPaddingMasks()
    {
        var x = TestData.Normal(13, 2, 5, 4);
        var padding = NDArray.From([1f, 1, 1, 0, 0, 1, 1, 1, 1, 0], 2, 5);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.MultiHeadDotProductAttention(s, xs[0], null, numHeads: 2,
            causalMask: true, paddingMask: xs[1]), Key0, x, padding);

        var p = padding.ToArray<float>();
        NDArray Project(string name) => LinearReference.Dense(x, Param(variables, name + "/kernel"), Param(variables, name + "/bias"));
        var attended = LinearReference.Attention(Project("query"), Project("key"), Project("value"),
            (b, h, i, j) => j <= i && p[b * 5 + i] * p[b * 5 + j] > 0 ? 0 : -1e10);
        var expected = LinearReference.Dense(attended, Param(variables, "out/kernel"), Param(variables, "out/bias"), contracted: 2);
        TestData.AssertClose(expected, y, 1e-5, 1e-4);
    }

    [TestMethod]
    public void MultiHeadAttentionSegmentationMasksAcrossSegments()
    {
        var x = TestData.Normal(14, 1, 4, 4);
        var segments = NDArray.From([0f, 0, 1, 1], 1, 4);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.MultiHeadDotProductAttention(s, xs[0], null, numHeads: 1,
            segmentation: xs[1]), Key0, x, segments);
        NDArray Project(string name) => LinearReference.Dense(x, Param(variables, name + "/kernel"), Param(variables, name + "/bias"));
        var attended = LinearReference.Attention(Project("query"), Project("key"), Project("value"), (_, _, i, j) => i / 2 == j / 2 ? 0 : -1e10);
        var expected = LinearReference.Dense(attended, Param(variables, "out/kernel"), Param(variables, "out/bias"), contracted: 2);
        TestData.AssertClose(expected, y, 1e-5, 1e-4);
    }

    [TestMethod]
    public void MultiHeadAttentionDrawsDropoutInItsAttentionChild()
    {
        var x = TestData.Normal(15, 1, 3, 4);
        var rngs = new Rngs(("params", Key0), ("dropout", Key1));
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.MultiHeadDotProductAttention(s.Push("mha"), xs[0], null, numHeads: 2,
            dropoutRate: 0.5), rngs, x);
        var keep = DropoutTests.Bernoulli(Key1.FoldInStatic("mha", "dot_product_attention_0", 1), 0.5, 9);
        NDArray Project(string name) => LinearReference.Dense(x, Param(variables, "mha/" + name + "/kernel"), Param(variables, "mha/" + name + "/bias"));
        var attended = LinearReference.Attention(Project("query"), Project("key"), Project("value"), keep: (_, _, i, j) => keep[i * 3 + j] ? 2 : 0);
        var expected = LinearReference.Dense(attended, Param(variables, "mha/out/kernel"), Param(variables, "mha/out/bias"), contracted: 2);
        TestData.AssertClose(expected, y, 1e-5, 1e-4);
    }

    [TestMethod]
    public void MultiHeadAttentionNeedsHeadsThatDivideTheFeatures()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.MultiHeadDotProductAttention(s, xs[0], null, numHeads: 3), Key0, TestData.Normal(1, 1, 2, 4)));
        Assert.AreEqual("Memory dimension must be divisible by number of heads. (Parameter 'numHeads')", e.Message);
    }
}
