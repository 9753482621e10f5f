namespace Flax.Tests.Training;

/// <summary>The compiled training step on ONNX Runtime (CPU).</summary>
[TestClass]
public sealed class TrainerTests
{
    private static Tensor Linear(Scope scope, Tensor x) => Flax.Nn.Dense(scope.Push("Dense_0"), x, features: 3);

    /// <summary>
    /// Three SGD steps of a softmax regression equal the host loop <c>W -= lr * x^T (softmax(x W + b) - onehot(y)) / N</c>,
    /// <c>b -= lr * mean(softmax - onehot)</c> in float64, within 1e-5 (float32 rounding); the reported loss and
    /// accuracy are those before each update.
    /// </summary>
    [TestMethod]
    public void SgdStepsMatchTheHostLoop()
    {
        var x = new float[] { 1, 0.5f, -1, 2, 0, 1, -0.5f, 1.5f, 0.25f, -2, 1, 0 };
        var y = new[] { 0, 2, 1, 1 };
        var (_, variables) = Core.Init(Linear, device: Device.Cpu)(PrngKey.Create(0), NDArray.From(x, 4, 3));
        var w = ((NDArray)variables.Flatten()["params/Dense_0/kernel"]).ToArray<float>().Select(v => (double)v).ToArray();
        var b = new double[3];
        using var trainer = new Trainer(Linear, Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizers.Sgd(0.5), variables, Device.Cpu);
        for (int step = 0; step < 3; step++)
        {
            var metrics = trainer.Step(NDArray.From(x, 4, 3), NDArray.From(y, 4));
            double loss = 0, correct = 0;
            var dw = new double[9];
            var db = new double[3];
            for (int n = 0; n < 4; n++)
            {
                var z = Enumerable.Range(0, 3).Select(j => b[j] + Enumerable.Range(0, 3).Sum(i => x[n * 3 + i] * w[i * 3 + j])).ToArray();
                double sum = z.Sum(Math.Exp);
                loss += (Math.Log(sum) - z[y[n]]) / 4;
                correct += Array.IndexOf(z, z.Max()) == y[n] ? 0.25 : 0;
                for (int j = 0; j < 3; j++)
                {
                    double delta = (Math.Exp(z[j]) / sum - (j == y[n] ? 1 : 0)) / 4;
                    db[j] += delta;
                    for (int i = 0; i < 3; i++) dw[i * 3 + j] += x[n * 3 + i] * delta;
                }
            }
            Assert.AreEqual(loss, metrics.Loss, 1e-5, $"loss at step {step}");
            Assert.AreEqual(correct, metrics.Accuracy, 1e-6, $"accuracy at step {step}");
            for (int k = 0; k < 9; k++) w[k] -= 0.5 * dw[k];
            for (int j = 0; j < 3; j++) b[j] -= 0.5 * db[j];
        }
        Tracing.Traced.AssertClose(w, (NDArray)trainer.Variables.Flatten()["params/Dense_0/kernel"]);
        Tracing.Traced.AssertClose(b, (NDArray)trainer.Variables.Flatten()["params/Dense_0/bias"]);
        Assert.AreEqual(3, trainer.StepCount);
        Assert.IsEmpty(trainer.OptimizerState.Flatten(), "plain SGD keeps no state");
    }

    private static Tensor Cnn(Scope scope, Tensor x, bool train)
    {
        x = Flax.Nn.Conv(scope.Push("Conv_0"), x, features: 4, kernelSize: [3, 3]);
        x = Flax.Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: !train);
        x = Flax.Nn.MaxPool(Flax.Nn.Relu(x), [2, 2], [2, 2]);
        return Flax.Nn.Dense(scope.Push("Dense_0"), x.Reshape(-1, 4 * 4 * 4), features: 4);
    }

    /// <summary>8x8 images whose class is the quadrant holding a bright square, plus noise.</summary>
    private static (NDArray Images, NDArray Labels) Quadrants(System.Random random, int count)
    {
        var images = new float[count * 64];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = random.Next(4);
            var (r0, c0) = (labels[n] / 2 * 4, labels[n] % 2 * 4);
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                    images[n * 64 + r * 8 + c] = (float)(random.NextDouble() * 0.5 + (r >= r0 && r < r0 + 4 && c >= c0 && c < c0 + 4 ? 1 : 0));
        }
        return (NDArray.From(images, count, 8, 8, 1), NDArray.From(labels, count));
    }

    /// <summary>
    /// A CNN with batch norm and max pooling, trained with Adam on 30 batches of 16: the last batches' loss is below a
    /// quarter of the first's, the held-out accuracy with the running averages is above 0.9 (chance is 0.25), and the
    /// running statistics moved.
    /// </summary>
    [TestMethod]
    public void CnnLearnsWithBatchNormAndPooling()
    {
        var random = new System.Random(5);
        var (_, variables) = Core.Init((Scope s, Tensor x) => Cnn(s, x, train: false), device: Device.Cpu)(PrngKey.Create(0), Quadrants(random, 2).Images);
        using var trainer = new Trainer((s, x) => Cnn(s, x, train: true), Losses.SoftmaxCrossEntropyWithIntegerLabels,
            Optimizers.Adam(0.01), variables, Device.Cpu);
        var losses = new List<float>();
        for (int step = 0; step < 30; step++)
        {
            var (images, labels) = Quadrants(random, 16);
            losses.Add(trainer.Step(images, labels).Loss);
        }
        Assert.IsTrue(losses.TakeLast(3).Average() < losses[0] / 4, $"losses: {string.Join(", ", losses)}");

        var (test, expected) = Quadrants(random, 64);
        var logits = Core.Apply((Scope s, Tensor x) => Cnn(s, x, train: false), device: Device.Cpu)(trainer.Variables, test).ToArray<float>();
        var truth = expected.ToArray<int>();
        double accuracy = Enumerable.Range(0, 64).Average(n =>
        {
            var row = logits.AsSpan(n * 4, 4).ToArray();
            return Array.IndexOf(row, row.Max()) == truth[n] ? 1.0 : 0;
        });
        Assert.IsTrue(accuracy > 0.9, $"held-out accuracy {accuracy}");
        var mean = ((NDArray)trainer.Variables.Flatten()["batch_stats/BatchNorm_0/mean"]).ToArray<float>();
        Assert.IsTrue(mean.Any(m => m != 0), "running mean updated");
    }

    [TestMethod]
    public void VariablesNeedParams()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Trainer(Linear, Losses.SquaredError, Optimizers.Sgd(0.1), VariableDict.Empty));
        Assert.AreEqual("The variables to train have no 'params' collection. (Parameter 'variables')", e.Message);
    }

    [TestMethod]
    public void ReservedCollections()
    {
        var variables = VariableDict.Unflatten([
            KeyValuePair.Create("params/w", (object)NDArray.Zeros(DType.Float32, 2)),
            KeyValuePair.Create("opt_state/count", (object)NDArray.Scalar(0)),
        ]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Trainer(Linear, Losses.SquaredError, Optimizers.Sgd(0.1), variables));
        Assert.AreEqual("The variables to train must not have collections named 'opt_state' or 'metrics': the trainer uses them. (Parameter 'variables')", e.Message);
    }

    [TestMethod]
    public void BatchSizesDiffer()
    {
        var variables = VariableDict.Unflatten([KeyValuePair.Create("params/w", (object)NDArray.Zeros(DType.Float32, 2))]);
        using var trainer = new Trainer(Linear, Losses.SquaredError, Optimizers.Sgd(0.1), variables, Device.Cpu);
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Step(NDArray.Zeros(DType.Float32, 4, 3), NDArray.Zeros(DType.Int32, 3)));
        Assert.AreEqual("Inputs and labels need one leading batch axis of one size, got shapes (4, 3) and (3,). (Parameter 'labels')", e.Message);
    }

    [TestMethod]
    public void StepAfterDispose()
    {
        var variables = VariableDict.Unflatten([KeyValuePair.Create("params/w", (object)NDArray.Zeros(DType.Float32, 2))]);
        var trainer = new Trainer(Linear, Losses.SquaredError, Optimizers.Sgd(0.1), variables, Device.Cpu);
        trainer.Dispose();
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => trainer.Step(NDArray.Zeros(DType.Float32, 4, 3), NDArray.Zeros(DType.Int32, 4)));
        Assert.AreEqual("Cannot access a disposed object.\nObject name: 'Flax.Trainer'.", e.Message);
    }
}
