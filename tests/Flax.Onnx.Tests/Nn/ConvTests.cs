using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class ConvTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    private static NDArray Param(VariableDict variables, string path) => (NDArray)variables.Flatten()["params/" + path];

    /// <summary>(input shape, features, kernel, strides, padding, its explicit pairs, input dilation, kernel dilation, groups)</summary>
    public static IEnumerable<object[]> Cases =>
    [
        [new[] { 2, 7, 6, 3 }, 4, new[] { 3, 3 }, new[] { 1, 1 }, "SAME", new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, 1],
        [new[] { 1, 8, 5, 2 }, 3, new[] { 3, 2 }, new[] { 2, 2 }, "SAME", new[] { 0, 1, 0, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, 1],
        [new[] { 2, 9, 7, 4 }, 6, new[] { 2, 3 }, new[] { 3, 1 }, "VALID", new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, new[] { 2, 2 }, 2],
        [new[] { 1, 6, 6, 4 }, 4, new[] { 3, 3 }, new[] { 1, 2 }, "EXPLICIT", new[] { 2, 0, 1, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, 4],
        [new[] { 2, 4, 5, 2 }, 3, new[] { 2, 2 }, new[] { 1, 1 }, "EXPLICIT", new[] { 1, 1, 0, 1 }, new[] { 2, 3 }, new[] { 1, 2 }, 1],
        [new[] { 2, 9, 3 }, 5, new[] { 4 }, new[] { 2 }, "SAME", new[] { 3, 3 }, new[] { 1 }, new[] { 2 }, 1],
        [new[] { 1, 4, 3, 5, 2 }, 2, new[] { 2, 1, 3 }, new[] { 1, 1, 2 }, "SAME", new[] { 0, 1, 0, 0, 1, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, 2],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ConvMatchesDirectLoops(int[] shape, int features, int[] kernelSize, int[] strides, string padding, int[] pads,
        int[] inputDilation, int[] kernelDilation, int groups)
    {
        var x = TestData.Normal(11, shape);
        (int, int)[] pairs = [.. Enumerable.Range(0, kernelSize.Length).Select(i => (pads[2 * i], pads[2 * i + 1]))];
        Padding p = padding == "SAME" ? Padding.Same : padding == "VALID" ? Padding.Valid : Padding.Explicit(pairs);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.Conv(s, xs[0], features, kernelSize, strides, p, inputDilation,
            kernelDilation, groups, biasInit: Initializers.Normal(1.0)), Key0, x);

        var kernel = Param(variables, "kernel");
        CollectionAssert.AreEqual((int[])[.. kernelSize, shape[^1] / groups, features], kernel.Shape);
        TestData.AssertClose(Flax.Nn.DefaultKernelInit(Key0.FoldInStatic(1), kernel.Shape, DType.Float32), kernel, 0, 0);
        var expected = ConvReference.Conv(x, kernel, strides, pairs, inputDilation, kernelDilation, groups);
        var bias = Param(variables, "bias").ToArray<float>();
        var withBias = expected.ToArray<float>().Select((v, i) => v + bias[i % features]).ToArray();
        TestData.AssertClose(NDArray.From(withBias, expected.Shape), y, 1e-4, 1e-4);
    }

    /// <summary>(input shape, features, kernel, strides, padding, its explicit pairs, kernel dilation, expected spatial output)</summary>
    public static IEnumerable<object[]> TransposeCases =>
    [
        [new[] { 2, 4, 3, 2 }, 3, new[] { 3, 3 }, new[] { 2, 2 }, "SAME", new[] { 2, 1, 2, 1 }, new[] { 1, 1 }, new[] { 8, 6 }],
        [new[] { 1, 3, 5, 3 }, 2, new[] { 2, 3 }, new[] { 3, 1 }, "VALID", new[] { 1, 2, 2, 2 }, new[] { 1, 1 }, new[] { 9, 7 }],
        [new[] { 1, 5, 4, 2 }, 2, new[] { 3, 2 }, new[] { 1, 2 }, "SAME", new[] { 2, 2, 1, 1 }, new[] { 2, 1 }, new[] { 5, 8 }],
        [new[] { 2, 4, 2 }, 3, new[] { 3 }, new[] { 2 }, "EXPLICIT", new[] { 1, 0 }, new[] { 1 }, new[] { 6 }],
    ];

    [TestMethod]
    [DynamicData(nameof(TransposeCases))]
    public void ConvTransposeMatchesScatterLoops(int[] shape, int features, int[] kernelSize, int[] strides, string padding,
        int[] pads, int[] kernelDilation, int[] outSpatial)
    {
        var x = TestData.Normal(12, shape);
        (int, int)[] pairs = [.. Enumerable.Range(0, kernelSize.Length).Select(i => (pads[2 * i], pads[2 * i + 1]))];
        Padding p = padding == "SAME" ? Padding.Same : padding == "VALID" ? Padding.Valid : Padding.Explicit(pairs);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.ConvTranspose(s, xs[0], features, kernelSize, strides, p,
            kernelDilation), Key0, x);

        var kernel = Param(variables, "kernel");
        CollectionAssert.AreEqual((int[])[.. kernelSize, shape[^1], features], kernel.Shape);
        CollectionAssert.AreEqual((int[])[shape[0], .. outSpatial, features], y.Shape);
        TestData.AssertClose(ConvReference.ConvTranspose(x, kernel, strides, pairs, kernelDilation), y, 1e-4, 1e-4);
    }

    [TestMethod]
    public void ConvRejectsFeaturesNotDivisibleByGroups()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.Conv(s, xs[0], 4, [3], featureGroupCount: 2), Key0, TestData.Normal(1, 1, 5, 3)));
        Assert.AreEqual("Conv needs in_features (3) divisible by feature_group_count (2). (Parameter 'featureGroupCount')", e.Message);
    }

    [TestMethod]
    public void ConvRejectsNamedPaddingWithInputDilation()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.Conv(s, xs[0], 4, [3], inputDilation: [2]), Key0, TestData.Normal(1, 1, 5, 3)));
        Assert.AreEqual("String padding is not implemented for transposed convolution using this op. Please either exactly specify the required padding or use conv_transpose. (Parameter 'padding')", e.Message);
    }
}
