using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

/// <summary>Layers through the public <c>Core.Init</c>/<c>Core.Apply</c> on ONNX Runtime, against direct loops.</summary>
[TestClass]
public sealed class OnnxRuntimeTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);
    private static readonly PrngKey Key1 = PrngKey.Create(1);

    private static NDArray Leaf(VariableDict variables, string path) => (NDArray)variables.Flatten()[path];

    private static Tensor ConvNet(Scope scope, Tensor x)
    {
        x = Flax.Nn.Conv(scope.Push("conv"), x, 4, [3, 3], strides: [2, 1], kernelDilation: [1, 2], biasInit: Initializers.Normal(1.0));
        x = Flax.Nn.MaxPool(Flax.Nn.Relu(x), [2, 2], padding: Padding.Same);
        return Flax.Nn.AvgPool(x, [2, 2], [1, 1], Padding.Same, countIncludePad: false);
    }

    [TestMethod]
    public void ConvAndPoolsRunOnOnnxRuntime()
    {
        var x = TestData.Normal(1, 2, 7, 6, 3);
        var (y, variables) = Core.Init(ConvNet)(Key0, x);
        var kernel = Leaf(variables, "params/conv/kernel");
        var bias = Leaf(variables, "params/conv/bias").ToArray<float>();
        var conv = ConvReference.Conv(x, kernel, [2, 1], [(1, 1), (2, 2)], [1, 1], [1, 2], 1);
        var relu = NDArray.From(conv.ToArray<float>().Select((v, i) => Math.Max(v + bias[i % 4], 0f)).ToArray(), conv.Shape);
        var pooled = PoolReference.Max(relu, [2, 2], [1, 1], [(0, 1), (0, 1)]);
        var expected = PoolReference.Avg(pooled, [2, 2], [1, 1], [(0, 1), (0, 1)], countIncludePad: false);
        TestData.AssertClose(expected, y, 1e-4, 1e-4);
        TestData.AssertClose(expected, Core.Apply(ConvNet)(variables, x), 1e-4, 1e-4);
    }

    /// <summary>The same result on every call with one variables object: from the
    /// <see cref="ApplyState.SpecializeAfter"/>-th call on, a model with the parameters bound as constants is built and
    /// then runs the calls.</summary>
    [TestMethod]
    public void BatchNormApplyReturnsUpdatedStatistics()
    {
        var x = TestData.Normal(2, 5, 3);
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.BatchNorm(scope.Push("bn"), x, momentum: 0.8);
        var (_, variables) = Core.Init(Model)(Key0, x);
        var apply = Core.Apply(Model, mutable: "batch_stats");
        var (expected, mean, variance) = NormReference.Batch(x, [1f, 1f, 1f], new float[3], 1e-5);
        for (int call = 1; call <= 3 * ApplyState.SpecializeAfter; call++)
        {
            var (y, mutated) = apply(variables, x);
            TestData.AssertClose(expected, y, 1e-4, 1e-4);
            TestData.AssertClose(NDArray.From(mean.Select(m => (float)(0.2 * m)).ToArray(), 3), Leaf(mutated, "batch_stats/bn/mean"), 1e-6, 1e-5);
            TestData.AssertClose(NDArray.From(variance.Select(v => (float)(1 + 0.2 * (v - 1))).ToArray(), 3), Leaf(mutated, "batch_stats/bn/var"), 1e-6, 1e-5);
            if (call == ApplyState.SpecializeAfter) Thread.Sleep(200); // let the build finish, so that later calls run it
        }
    }

    [TestMethod]
    public void DropoutRunsWithTheRngsOfEachCall()
    {
        var x = TestData.Normal(3, 4, 6);
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.Dropout(scope.Push("drop"), Flax.Nn.Dense(scope.Push("dense"), x, 5), 0.5);
        var (_, variables) = Core.Init(Model)(Key0, x);
        var dense = LinearReference.Dense(x, Leaf(variables, "params/dense/kernel"), Leaf(variables, "params/dense/bias")).ToArray<float>();
        foreach (var key in new[] { Key0, Key1 })
        {
            var y = Core.Apply(Model)(variables, x, new Rngs(("dropout", key)));
            var keep = DropoutTests.Bernoulli(key.FoldInStatic("drop", 1), 0.5, 20);
            TestData.AssertClose(NDArray.From(dense.Select((v, i) => keep[i] ? v * 2 : 0f).ToArray(), 4, 5), y, 1e-5, 1e-5);
        }
    }

    [TestMethod]
    public void EmbeddingAcceptsUnsignedIndices()
    {
        var indices = NDArray.From([3u, 0u, 2u], 3);
        var (y, variables) = Core.Init((s, x) => Flax.Nn.Embedding(s, 4, 2).Lookup(x))(Key0, indices);
        var table = Leaf(variables, "params/table").ToArray<float>();
        CollectionAssert.AreEqual(new[] { table[6], table[7], table[0], table[1], table[4], table[5] }, y.ToArray<float>());
    }

    private static Tensor Block(Scope scope, Tensor x, Tensor padding)
    {
        var h = Flax.Nn.LayerNorm(scope.Push("ln"), x);
        h = Flax.Nn.MultiHeadDotProductAttention(scope.Push("attn"), h, null, numHeads: 2, causalMask: true, paddingMask: padding);
        h = Flax.Nn.GroupNorm(scope.Push("gn"), x + h, numGroups: 2);
        return Flax.Nn.Gelu(Flax.Nn.DenseGeneral(scope.Push("mlp"), h, [2, 3], axis: [-1]));
    }

    [TestMethod]
    public void CompositeLayersOnOnnxRuntimeMatchTheReferenceEvaluatorForAnyBatchSize()
    {
        var x = TestData.Normal(4, 3, 5, 4);
        var padding = NDArray.From([1f, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1], 3, 5);
        var (_, variables) = Core.Init(Block)(Key0, x, padding);
        var apply = Core.Apply(Block);
        foreach (var batch in new[] { 3, 1 })
        {
            var xs = NDArray.From(x.ToArray<float>()[..(batch * 20)], batch, 5, 4);
            var ps = NDArray.From(padding.ToArray<float>()[..(batch * 5)], batch, 5);
            var (expected, _) = Evaluated.Apply((s, t) => Block(s, t[0], t[1]), variables, null, null, xs, ps);
            TestData.AssertClose(expected, apply(variables, xs, ps), 1e-5, 1e-4);
        }
    }

    /// <summary>Padding as wide as the window is legal in Flax (the padding is -inf and never wins); ONNX Runtime's
    /// MaxPool refuses it, so the pool pads explicitly.</summary>
    [TestMethod]
    public void MaxPoolWithPaddingAsWideAsItsWindowRuns()
    {
        var x = TestData.Normal(3, 1, 4, 3, 2);
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.MaxPool(x, [2, 2], [1, 1], Padding.Explicit((2, 1), (0, 2)));
        var (y, _) = Core.Init(Model)(Key0, x);
        var expected = PoolReference.Max(x, [2, 2], [1, 1], [(2, 1), (0, 2)]);
        CollectionAssert.AreEqual(new[] { 1, 6, 4, 2 }, y.Shape.ToArray());
        CollectionAssert.AreEqual(expected.ToArray<float>(), y.ToArray<float>());
    }

    /// <summary>The windows that lie entirely in such padding are -inf by definition: they are the output's -inf
    /// padding, never pooled (ONNX Runtime's CUDA MaxPool gives -3.4028235E+38 for a window of -inf values).</summary>
    [TestMethod]
    [DataRow(new[] { 2, 2 }, new[] { 1, 1 }, 2, 1, 0, 2, 11, DisplayName = "low 2 and high 2 on a 2x2 window")]
    [DataRow(new[] { 2, 3 }, new[] { 2, 1 }, 5, 4, 3, 3, 38, DisplayName = "several windows in the padding, stride 2")]
    [DataRow(new[] { 1, 2 }, new[] { 1, 2 }, 1, 1, 2, 2, 18, DisplayName = "1-wide window, stride as wide as the window")]
    [DataRow(new[] { 2, 2 }, new[] { 3, 1 }, 3, 3, 2, 0, 12, DisplayName = "stride wider than the window")]
    [DataRow(new[] { 2, 1 }, new[] { 3, 3 }, 5, 4, 1, 3, 13, DisplayName = "stride wider than the window, data no window reaches")]
    public void MaxPoolWindowsInsideThePaddingArePaddedOutput(int[] window, int[] strides, int low0, int high0, int low1, int high1, int padded)
    {
        var x = TestData.Normal(4, 2, 5, 4, 3);
        (int, int)[] pads = [(low0, high0), (low1, high1)];
        Tensor Model(Scope scope, Tensor t) => Flax.Nn.MaxPool(t, window, strides, Padding.Explicit(pads));
        var (y, _) = Core.Init(Model)(Key0, x);
        var expected = PoolReference.Max(x, window, strides, pads);
        CollectionAssert.AreEqual(expected.Shape, y.Shape);
        CollectionAssert.AreEqual(expected.ToArray<float>(), y.ToArray<float>());

        var program = Core.MakeProgram(Model, VariableDict.Empty, new TensorSpec(DType.Float32, 2, 5, 4, 3));
        // The output positions (of 2 x 3 batch and features) that the pooling does not compute.
        var pooled = program.Eqns.Single(e => e.Primitive == Primitive.ReduceWindowMax).Outputs[0].Type.Dims;
        Assert.AreEqual(padded, expected.Shape[1] * expected.Shape[2] - pooled[1] * pooled[2], program.ToString());
    }
}
