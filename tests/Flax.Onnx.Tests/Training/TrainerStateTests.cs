namespace Flax.Tests.Training;

/// <summary>
/// The trainer's state between steps (kept in ONNX Runtime values, read on demand) and its per-step PRNG keys
/// (Flax's <c>fold_in(key, step)</c>), on ONNX Runtime (CPU).
/// </summary>
[TestClass]
public sealed class TrainerStateTests
{
    private static readonly PrngKey DropoutKey = PrngKey.Create(11);

    private static Tensor Linear(Scope scope, Tensor x) => Flax.Nn.Dense(scope.Push("Dense_0"), x, features: 3);

    private static Tensor Dropped(Scope scope, Tensor x) => Flax.Nn.Dropout(scope.Push("drop"), Linear(scope, x), 0.5);

    private static NDArray Batch(int rows, int seed)
    {
        var random = new System.Random(seed);
        return NDArray.From(Enumerable.Range(0, rows * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), rows, 3);
    }

    private static VariableDict Init(Func<Scope, Tensor, Tensor> model) => Core.Init(model, device: Device.Cpu)(PrngKey.Create(0), Batch(2, 0)).Variables;

    /// <summary>
    /// With a learning rate of 0 the params stay put, so each step's squared-error loss of the dropped-out outputs
    /// against zeros is <c>mean((mask * 2 z)^2)</c> with <c>z = x W + b</c> in float64 and mask
    /// <c>jax.random.bernoulli(fold_in(key, step) folded with ("drop", 1), 0.5, (rows, 3))</c>; within 1e-5 relative.
    /// The masks of steps 0 and 1 (same batch) differ, and the last step's smaller batch gets a mask of its own size.
    /// </summary>
    [TestMethod]
    public void DropoutMasksComeFromTheStepsKey()
    {
        var variables = Init(Dropped);
        var flat = variables.Flatten();
        var w = ((NDArray)flat["params/Dense_0/kernel"]).ToArray<float>();
        var b = ((NDArray)flat["params/Dense_0/bias"]).ToArray<float>();
        using var trainer = new Trainer(Dropped, Losses.SquaredError, Optimizers.Sgd(0.0), variables, Device.Cpu, new Rngs(("dropout", DropoutKey)));
        var masks = new List<bool[]>();
        foreach (var (step, x) in new[] { (0, Batch(4, 1)), (1, Batch(4, 1)), (2, Batch(2, 2)) })
        {
            int rows = x.Shape[0];
            var loss = trainer.Step(x, NDArray.Zeros(DType.Float32, rows, 3)).Loss;
            var mask = Prng.Bernoulli(DropoutKey.FoldIn((uint)step).FoldInStatic("drop", 1), 0.5, [rows, 3]).ToArray<bool>();
            var input = x.ToArray<float>();
            double expected = Enumerable.Range(0, rows * 3).Average(k =>
            {
                var (n, j) = (k / 3, k % 3);
                double z = b[j] + Enumerable.Range(0, 3).Sum(i => (double)input[n * 3 + i] * w[i * 3 + j]);
                return mask[k] ? 4 * z * z : 0;
            });
            Assert.AreEqual(expected, loss, 1e-5 * expected, $"loss at step {step}");
            masks.Add(mask);
        }
        CollectionAssert.AreNotEqual(masks[0], masks[1]);
        Assert.AreEqual(DropoutKey.FoldIn(2), trainer.StepRngs(2)!["dropout"]);
    }

    [TestMethod]
    public void ReadingTheVariablesBetweenStepsChangesNothing()
    {
        var variables = Init(Linear);
        using var reading = new Trainer(Linear, Losses.SquaredError, Optimizers.Adam(0.1), variables, Device.Cpu);
        using var quiet = new Trainer(Linear, Losses.SquaredError, Optimizers.Adam(0.1), variables, Device.Cpu);
        Assert.AreSame(variables["params"], reading.Variables["params"], "before the first step, the given variables");
        for (int step = 0; step < 4; step++)
        {
            var (x, y) = (Batch(5, step), Batch(5, step + 10));
            Assert.AreEqual(quiet.Step(x, y), reading.Step(x, y), $"step {step}");
            Assert.AreEqual(step + 1, ((NDArray)reading.OptimizerState.Flatten().Single(kv => kv.Key.EndsWith("count")).Value).Item<int>());
        }
        foreach (var (path, value) in quiet.Variables.Flatten())
            CollectionAssert.AreEqual(((NDArray)value).ToArray<float>(), ((NDArray)reading.Variables.Flatten()[path]).ToArray<float>(), path);
        CollectionAssert.AreNotEqual(((NDArray)variables.Flatten()["params/Dense_0/kernel"]).ToArray<float>(),
            ((NDArray)quiet.Variables.Flatten()["params/Dense_0/kernel"]).ToArray<float>(), "trained");
    }

    [TestMethod]
    public void VariablesAfterDispose()
    {
        var trainer = new Trainer(Linear, Losses.SquaredError, Optimizers.Sgd(0.1), Init(Linear), Device.Cpu);
        trainer.Step(Batch(2, 1), Batch(2, 2));
        trainer.Dispose();
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => trainer.Variables);
        Assert.AreEqual("Cannot access a disposed object.\nObject name: 'Flax.Trainer'.", e.Message);
    }

    [TestMethod]
    public void StepRngsNeedANonNegativeStep()
    {
        using var trainer = new Trainer(Linear, Losses.SquaredError, Optimizers.Sgd(0.1), Init(Linear), Device.Cpu, new Rngs(("dropout", DropoutKey)));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.StepRngs(-1));
        Assert.AreEqual("step ('-1') must be a non-negative value. (Parameter 'step')\nActual value was -1.", e.Message);
        Assert.IsNull(new Trainer(Linear, Losses.SquaredError, Optimizers.Sgd(0.1), Init(Linear)).StepRngs(0));
    }

    [TestMethod]
    public void AModelUsingAKeysValueCannotBeTrained()
    {
        static Tensor Noisy(Scope scope, Tensor x) => Linear(scope, x) + Prng.Normal(scope.MakeRng("noise"), [3]);
        using var trainer = new Trainer(Noisy, Losses.SquaredError, Optimizers.Sgd(0.1), Init(Linear), Device.Cpu, new Rngs(("noise", DropoutKey)));
        var e = Assert.ThrowsExactly<NotSupportedException>(() => trainer.Step(Batch(2, 1), Batch(2, 2)));
        Assert.AreEqual("The model uses a PRNG key's value while tracing (scope.MakeRng), so every training step would repeat the first step's random values; draw random values with layers that draw them per run, such as Nn.Dropout.", e.Message);
    }
}
