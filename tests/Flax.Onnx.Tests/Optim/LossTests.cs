namespace Flax.Tests.Optim;

/// <summary>Losses and metrics against host formulas (float64 within 1e-12 unless stated), on the reference evaluator.</summary>
[TestClass]
public sealed class LossTests
{
    private static NDArray Run(Func<Tensor[], Tensor> f, params NDArray[] inputs) => Tracing.Traced.Run(f, inputs);

    private static readonly double[] Logits = [0.5, -1, 2, 0, 1.5, -0.25, 3, 1, -2, 0.75, 0, 0, 0.1, -0.3, 4];
    private static readonly int[] Labels = [2, 0, 4];

    [TestMethod]
    public void SoftmaxCrossEntropyWithIntegerLabels()
    {
        var loss = Run(x => Losses.SoftmaxCrossEntropyWithIntegerLabels(x[0], x[1]), NDArray.From(Logits, 3, 5), NDArray.From(Labels, 3));
        var expected = Enumerable.Range(0, 3).Select(n =>
            Math.Log(Enumerable.Range(0, 5).Sum(c => Math.Exp(Logits[n * 5 + c]))) - Logits[n * 5 + Labels[n]]).ToArray();
        Tracing.Traced.AssertClose(expected, loss, 1e-12, 1e-12);
    }

    /// <summary>The gradient of the mean cross-entropy is <c>(softmax(logits) - one_hot(labels)) / N</c>.</summary>
    [TestMethod]
    public void SoftmaxCrossEntropyGradient()
    {
        var program = Tracing.Traced.Trace(x => Losses.SoftmaxCrossEntropyWithIntegerLabels(x[0], x[1]).Mean(),
            new TensorSpec(DType.Float64, 3, 5), new TensorSpec(DType.Int32, 3));
        var grads = Flax.Autodiff.ValueAndGrad(program, "output_0", [], [0]);
        var grad = Evaluator.Run(grads, [NDArray.From(Logits, 3, 5), NDArray.From(Labels, 3)], new Dictionary<string, NDArray>())[1];
        var expected = new double[15];
        for (int n = 0; n < 3; n++)
        {
            double sum = Enumerable.Range(0, 5).Sum(c => Math.Exp(Logits[n * 5 + c]));
            for (int c = 0; c < 5; c++) expected[n * 5 + c] = (Math.Exp(Logits[n * 5 + c]) / sum - (c == Labels[n] ? 1 : 0)) / 3;
        }
        Tracing.Traced.AssertClose(expected, grad, 1e-12, 1e-12);
    }

    [TestMethod]
    public void SquaredError()
    {
        var p = new[] { 1.0, -2, 0.5 };
        var t = new[] { 0.5, 1, 0.5 };
        Tracing.Traced.AssertClose([0.25, 9, 0], Run(x => Losses.SquaredError(x[0], x[1]), NDArray.From(p, 3), NDArray.From(t, 3)), 0, 0);
        Tracing.Traced.AssertClose([1, 4, 0.25], Run(x => Losses.SquaredError(x[0]), NDArray.From(p, 3)), 0, 0);
    }

    /// <summary>Moderate logits against <c>-y log(sigmoid(x)) - (1 - y) log(1 - sigmoid(x))</c>; large ones against the
    /// rearranged <c>max(x, 0) - x y + log(1 + exp(-|x|))</c>, which stays finite.</summary>
    [TestMethod]
    public void SigmoidBinaryCrossEntropy()
    {
        var x = new[] { 0.3, -1.2, 2.5, 60, -60 };
        var y = new[] { 1.0, 0, 0.25, 0, 1 };
        var loss = Run(v => Losses.SigmoidBinaryCrossEntropy(v[0], v[1]), NDArray.From(x, 5), NDArray.From(y, 5));
        var expected = x.Select((xi, i) => Math.Abs(xi) < 10
            ? -y[i] * Math.Log(1 / (1 + Math.Exp(-xi))) - (1 - y[i]) * Math.Log(1 - 1 / (1 + Math.Exp(-xi)))
            : Math.Max(xi, 0) - xi * y[i] + Math.Log(1 + Math.Exp(-Math.Abs(xi)))).ToArray();
        Tracing.Traced.AssertClose(expected, loss, 1e-12, 1e-12);
    }

    /// <summary>Argmax takes the first of tied logits: rows 0 and 1 are right, rows 2 and 3 wrong.</summary>
    [TestMethod]
    public void AccuracyBreaksTiesTowardTheFirstClass()
    {
        var logits = NDArray.From(new float[] { 1, 3, 3, 0, 0, -1, 2, 1, 0, 0, 5, 1 }, 4, 3);
        var accuracy = Run(x => Metrics.Accuracy(x[0], x[1]), logits, NDArray.From(new[] { 1, 0, 2, 2 }, 4));
        Assert.AreEqual(DType.Float32, accuracy.DType);
        Assert.AreEqual(0.5f, accuracy.Item<float>());
    }

    [TestMethod]
    public void CrossEntropyNeedsIntegerLabelsOfTheBatchShape()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Run(x => Losses.SoftmaxCrossEntropyWithIntegerLabels(x[0], x[1]),
            NDArray.From(Logits, 3, 5), NDArray.From(new[] { 1.0, 2, 0 }, 3)));
        Assert.AreEqual("softmax_cross_entropy_with_integer_labels needs floating-point logits and integer labels, got float64 and float64.", e.Message);
        var s = Assert.ThrowsExactly<ArgumentException>(() => Run(x => Losses.SoftmaxCrossEntropyWithIntegerLabels(x[0], x[1]),
            NDArray.From(Logits, 3, 5), NDArray.From(Labels, 3, 1)));
        Assert.AreEqual("softmax_cross_entropy_with_integer_labels needs labels shaped like the logits without their last axis, got logits (3, 5) and labels (3, 1).", s.Message);
    }

    [TestMethod]
    public void SquaredErrorNeedsOneShape()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Run(x => Losses.SquaredError(x[0], x[1]), NDArray.From(Logits, 3, 5), NDArray.From(Logits, 15)));
        Assert.AreEqual("squared_error needs predictions and targets of one shape, got (3, 5) and (15,).", e.Message);
    }

    [TestMethod]
    public void AccuracyNeedsIntegerLabels()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Run(x => Metrics.Accuracy(x[0], x[1]), NDArray.From(Logits, 3, 5), NDArray.From(new[] { 1.0, 2, 0 }, 3)));
        Assert.AreEqual("accuracy needs integer labels shaped like the logits without their last axis, got logits (3, 5) and float64 labels (3,).", e.Message);
    }
}
