using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

/// <summary>The argument errors of the layers that the layer-specific tests do not already cover.</summary>
[TestClass]
public sealed class NnErrorTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    private static string Error(Func<Scope, Tensor[], Tensor> fn, params NDArray[] inputs) =>
        Assert.ThrowsExactly<ArgumentException>(() => Evaluated.Init(fn, Key0, inputs)).Message;

    [TestMethod]
    public void DenseNeedsAnAxis() =>
        Assert.AreEqual("Dense needs inputs of rank at least 1, got shape ().",
            Error((s, xs) => Flax.Nn.Dense(s, xs[0], 2), NDArray.Scalar(1f)));

    [TestMethod]
    public void BatchNormAxisOutOfRange()
    {
        Assert.AreEqual("BatchNorm axis 7 is out of range for inputs of shape (2, 3). (Parameter 'axis')",
            Error((s, xs) => Flax.Nn.BatchNorm(s, xs[0], axis: [7]), TestData.Normal(1, 2, 3)));
        Assert.AreEqual("BatchNorm axis -3 is out of range for inputs of shape (2, 3). (Parameter 'axis')",
            Error((s, xs) => Flax.Nn.BatchNorm(s, xs[0], axis: [-3]), TestData.Normal(1, 2, 3)));
    }

    [TestMethod]
    public void DenseGeneralAxisOutOfRange() =>
        Assert.AreEqual("DenseGeneral axis 2 is out of range for inputs of shape (2, 3). (Parameter 'axis')",
            Error((s, xs) => Flax.Nn.DenseGeneral(s, xs[0], [2], axis: [2]), TestData.Normal(1, 2, 3)));

    [TestMethod]
    public void ConvTransposeNeedsOneEntryPerSpatialAxis() =>
        Assert.AreEqual("ConvTranspose needs one kernel size, stride and dilation per spatial axis of inputs (1, 4, 4, 2), got kernel_size (3,), strides (1, 1) and kernel_dilation (1, 1).",
            Error((s, xs) => Flax.Nn.ConvTranspose(s, xs[0], 2, [3]), TestData.Normal(1, 1, 4, 4, 2)));

    [TestMethod]
    public void GroupNormNeedsGroupsThatDivideTheChannels() =>
        Assert.AreEqual("GroupNorm cannot split 6 channels into 4 groups. (Parameter 'numGroups')",
            Error((s, xs) => Flax.Nn.GroupNorm(s, xs[0], numGroups: 4), TestData.Normal(1, 2, 6)));

    [TestMethod]
    public void DotProductAttentionNeedsMatchingShapes() =>
        Assert.AreEqual("DotProductAttention needs query, key and value of one rank with key.shape[:-1] == value.shape[:-1] and matching batch and depth, got (1, 3, 2, 4), (1, 5, 2, 4) and (1, 4, 2, 4).",
            Error((s, xs) => Flax.Nn.DotProductAttention(s, xs[0], xs[1], xs[2]),
                TestData.Normal(1, 1, 3, 2, 4), TestData.Normal(2, 1, 5, 2, 4), TestData.Normal(3, 1, 4, 2, 4)));

    [TestMethod]
    public void PoolNeedsAFeatureAxisBesideTheWindow() =>
        Assert.AreEqual("Pooling with window_shape (2, 2) needs inputs of rank at least 3, got shape (4, 4). (Parameter 'inputs')",
            Error((_, xs) => Flax.Nn.MaxPool(xs[0], [2, 2]), TestData.Normal(1, 4, 4)));

    [TestMethod]
    public void DropoutWithAGivenKeyNeedsAStaticBatchSize()
    {
        // An export with a dynamic batch axis cannot hold a host-drawn mask.
        var x = TestData.Normal(1, 3, 4);
        static Tensor Model(Scope s, Tensor h) => Flax.Nn.Dropout(s, h, 0.5, rng: Key0);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Export(Model, VariableDict.Empty, Stream.Null, [new TensorSpec(DType.Float32, -1, 4)]));
        Assert.AreEqual("Dropout draws its mask on the host and needs a static shape, got (None, 4); pass rngs to Apply so that the call is traced at its exact batch size.", e.Message);
        // Apply traces such a function at the exact batch size instead: every element is dropped or scaled by 2.
        var y = Core.Apply(Model, device: Device.Cpu)(VariableDict.Empty, x).ToArray<float>();
        var input = x.ToArray<float>();
        for (int i = 0; i < y.Length; i++) Assert.IsTrue(y[i] == 0 || y[i] == 2 * input[i], $"element {i}");
        Assert.IsTrue(y.Any(v => v == 0) || input.Length < 8);
    }
}
