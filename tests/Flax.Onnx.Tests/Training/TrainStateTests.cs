using Flax.Tests.Serialization;

namespace Flax.Tests.Training;

/// <summary>
/// Resuming JAX runs: TrainStates written by tests/fixtures/make_flax_trainstates.py (an independent producer of
/// Flax's <c>to_state_dict(TrainState)</c> layout with optax states, and of optax's update formulas in float64) load,
/// round-trip byte for byte, and one <see cref="Trainer"/> step from them gives the state optax computes, written back
/// in the same layout. Cases: optax.adam(0.01) and optax.sgd(linear_schedule(0.1, 0.01, 10), momentum=0.9), each for
/// a Dense model (batch_stats None, or no batch_stats field) and a BatchNorm + Dense model (batch_stats); and for the
/// Dense model optax.adamw with a mask (optax.masked's inner_state), optax.rmsprop with momentum, and
/// optax.chain(clip_by_global_norm, adam) (a chain inside a chain).
/// </summary>
[TestClass]
public sealed class TrainStateTests
{
    private static Tensor Linear(Scope scope, Tensor x) => Flax.Nn.Dense(scope.Push("Dense_0"), x, features: 2);

    private static Tensor Normalized(Scope scope, Tensor x) =>
        Flax.Nn.Dense(scope.Push("Dense_0"), Flax.Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: true), features: 2);

    private static (Func<Scope, Tensor, Tensor> Model, Optimizer Optimizer) Case(string name) => name switch
    {
        "adam" => (Linear, Optimizers.Adam(0.01)),
        "adam_bn" => (Normalized, Optimizers.Adam(0.01)),
        "sgd" => (Linear, Optimizers.Sgd(Schedules.Linear(0.1, 0.01, 10), momentum: 0.9)),
        "sgd_bn" => (Normalized, Optimizers.Sgd(Schedules.Linear(0.1, 0.01, 10), momentum: 0.9)),
        "adamw_masked" => (Linear, Optimizers.AdamW(0.01, weightDecay: 0.3, mask: path => path.EndsWith("kernel", StringComparison.Ordinal))),
        "rmsprop" => (Linear, Optimizers.RmsProp(0.01, momentum: 0.5)),
        _ => (Linear, Optimizers.Chain(Optimizers.ClipByGlobalNorm(0.1), Optimizers.Adam(0.01))),
    };

    private static (NDArray X, NDArray T) Batch()
    {
        var batch = FlaxCheckpoint.Read(ExpectedValues.Fixture("trainstate_batch.msgpack"));
        return ((NDArray)batch["x"], (NDArray)batch["t"]);
    }

    private static string File(string name) => ExpectedValues.FixturePath($"trainstate_{name}.msgpack");

    [TestMethod]
    [DataRow("adam")]
    [DataRow("adam_bn")]
    [DataRow("sgd")]
    [DataRow("sgd_bn")]
    public void RestoresTheTrainState(string name)
    {
        var (_, optimizer) = Case(name);

        var state = FlaxCheckpoint.ReadTrainState(File(name), optimizer);

        Assert.AreEqual(name.StartsWith("adam", StringComparison.Ordinal) ? 3L : 4L, state.Step);
        CollectionAssert.AreEqual(name.EndsWith("_bn", StringComparison.Ordinal) ? new[] { "params", "batch_stats" } : ["params"], state.Variables.Keys.ToArray());
        var optState = state.OptState.Flatten();
        if (name.StartsWith("adam", StringComparison.Ordinal))
        {
            Assert.AreEqual(3, ((NDArray)optState["0/count"]).Item<int>());
            ExpectedValues.AssertSame((NDArray)((VariableDict)((VariableDict)FlaxCheckpoint.Read(File(name))["opt_state"])["0"]).Flatten()["mu/Dense_0/kernel"],
                optState["0/mu/Dense_0/kernel"], "mu");
        }
        else Assert.AreEqual(4, ((NDArray)optState["1/count"]).Item<int>(), "the schedule's count");
        CollectionAssert.AreEqual(FlaxCheckpoint.Read(File(name)).Keys.ToArray(), state.Layout!.Keys.ToArray());
        Assert.IsFalse(state.Layout.Flatten().Any(kv => kv.Key != "step" && kv.Value is NDArray), "the layout holds no copy of the arrays");
    }

    [TestMethod]
    [DataRow("adam")]
    [DataRow("adam_bn")]
    [DataRow("sgd")]
    [DataRow("sgd_bn")]
    [DataRow("adamw_masked")]
    [DataRow("rmsprop")]
    [DataRow("clip_adam")]
    public void RoundTripsByteForByte(string name)
    {
        var (model, optimizer) = Case(name);
        var original = ExpectedValues.Fixture($"trainstate_{name}.msgpack");
        var state = FlaxCheckpoint.RestoreTrainState(FlaxCheckpoint.Read(original), optimizer);
        using var trainer = new Trainer(model, Losses.SquaredError, optimizer, state, Device.Cpu);

        CollectionAssert.AreEqual(original, FlaxCheckpoint.ToBytes(FlaxCheckpoint.ToStateDict(state)), "the restored state");
        CollectionAssert.AreEqual(original, FlaxCheckpoint.ToBytes(FlaxCheckpoint.ToStateDict(trainer.TrainState)), "the trainer's state before a step");
    }

    /// <summary>One step from the JAX state gives optax's next state (float64 reference) within 1e-6 per leaf, in the
    /// same layout: the same fields in the same order, the same leaf kinds (step an int32 array or a Python int, as
    /// read), empty optimizer parts kept.</summary>
    [TestMethod]
    [DataRow("adam")]
    [DataRow("adam_bn")]
    [DataRow("sgd")]
    [DataRow("sgd_bn")]
    [DataRow("adamw_masked")]
    [DataRow("rmsprop")]
    [DataRow("clip_adam")]
    public void ResumedStepMatchesOptax(string name)
    {
        var (model, optimizer) = Case(name);
        var (x, t) = Batch();
        using var trainer = new Trainer(model, Losses.SquaredError, optimizer, FlaxCheckpoint.ReadTrainState(File(name), optimizer), Device.Cpu);

        trainer.Step(x, t);

        var expected = FlaxCheckpoint.Read(File(name + "_next"));
        AssertClose(expected, FlaxCheckpoint.ToStateDict(trainer.TrainState), "");
    }

    /// <summary>Two steps in one trainer equal one step, a save, a restore and one more step, bit for bit.</summary>
    [TestMethod]
    [DataRow("adam_bn")]
    [DataRow("sgd")]
    public void ResumesExactlyFromItsOwnCheckpoint(string name)
    {
        var (model, optimizer) = Case(name);
        var (x, t) = Batch();
        var start = FlaxCheckpoint.ReadTrainState(File(name), optimizer);
        string path = Path.Combine(Path.GetTempPath(), $"flax-trainstate-{Guid.NewGuid():N}.msgpack");
        try
        {
            using var straight = new Trainer(model, Losses.SquaredError, optimizer, start, Device.Cpu);
            straight.Step(x, t);
            straight.Step(x, t);
            using (var first = new Trainer(model, Losses.SquaredError, optimizer, start, Device.Cpu))
            {
                first.Step(x, t);
                first.SaveCheckpoint(path);
            }
            using var resumed = new Trainer(model, Losses.SquaredError, optimizer, FlaxCheckpoint.ReadTrainState(path, optimizer), Device.Cpu);
            Assert.AreEqual(start.Step + 1, resumed.StepCount);
            resumed.Step(x, t);

            CollectionAssert.AreEqual(FlaxCheckpoint.ToBytes(FlaxCheckpoint.ToStateDict(straight.TrainState)),
                FlaxCheckpoint.ToBytes(FlaxCheckpoint.ToStateDict(resumed.TrainState)));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [TestMethod]
    public void NewRunsSaveFlaxsLayout()
    {
        var variables = Core.Init(Linear, device: Device.Cpu)(PrngKey.Create(0), Batch().X).Variables;
        using var trainer = new Trainer(Linear, Losses.SquaredError, Optimizers.Adam(0.01), variables, Device.Cpu);
        trainer.Step(Batch().X, Batch().T);

        var tree = FlaxCheckpoint.ToStateDict(trainer.TrainState);

        CollectionAssert.AreEqual(new[] { "step", "params", "opt_state" }, tree.Keys.ToArray());
        ExpectedValues.AssertSame(NDArray.Scalar(1), tree["step"], "step: an int32 array, as a jitted JAX step leaves it");
        var optState = (VariableDict)tree["opt_state"];
        CollectionAssert.AreEqual(new[] { "0", "1" }, optState.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "count", "mu", "nu" }, ((VariableDict)optState["0"]).Keys.ToArray());
        Assert.AreEqual(0, ((VariableDict)optState["1"]).Count, "optax's EmptyState of scale_by_learning_rate");
        var resumed = FlaxCheckpoint.RestoreTrainState(FlaxCheckpoint.Read(FlaxCheckpoint.ToBytes(tree)), Optimizers.Adam(0.01));
        Assert.AreEqual(1L, resumed.Step);
        ExpectedValues.AssertSame(NDArray.Scalar(1L << 40), FlaxCheckpoint.ToStateDict(resumed with { Step = 1L << 40 })["step"], "a step past int32 widens to int64");
    }

    /// <summary>The evaluation step's loss is <c>mean((x W + b - t)^2)</c> of the current params (float64 reference,
    /// 1e-6 relative), equals the next training step's loss, and changes nothing.</summary>
    [TestMethod]
    public void EvaluateComputesTheLossWithoutTraining()
    {
        var (model, optimizer) = Case("adam");
        var (x, t) = Batch();
        var state = FlaxCheckpoint.ReadTrainState(File("adam"), optimizer);
        using var trainer = new Trainer(model, Losses.SquaredError, optimizer, state, Device.Cpu);
        var flat = state.Variables.Flatten();
        var (w, b) = (((NDArray)flat["params/Dense_0/kernel"]).ToArray<float>(), ((NDArray)flat["params/Dense_0/bias"]).ToArray<float>());
        var (xs, ts) = (x.ToArray<float>(), t.ToArray<float>());
        double expected = Enumerable.Range(0, 10).Average(k =>
        {
            var (n, j) = (k / 2, k % 2);
            double y = b[j] + Enumerable.Range(0, 3).Sum(i => (double)xs[n * 3 + i] * w[i * 2 + j]);
            return (y - ts[k]) * (y - ts[k]);
        });

        var metrics = trainer.Evaluate(x, t);

        Assert.IsTrue(Math.Abs(metrics.Loss - expected) <= 1e-6 * expected, $"{metrics.Loss} vs {expected}");
        Assert.IsTrue(float.IsNaN(metrics.Accuracy), "float targets have no accuracy");
        Assert.AreEqual(3, trainer.StepCount);
        Assert.AreEqual(metrics.Loss, trainer.Step(x, t).Loss, 1e-6f);
        Assert.AreNotEqual(metrics.Loss, trainer.Evaluate(x, t).Loss, "evaluates the trained params");
    }

    [TestMethod]
    public void Evaluate_ThrowsForMismatchedBatches()
    {
        var (model, optimizer) = Case("adam");
        using var trainer = new Trainer(model, Losses.SquaredError, optimizer, FlaxCheckpoint.ReadTrainState(File("adam"), optimizer), Device.Cpu);

        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Evaluate(NDArray.Zeros(DType.Float32, 2, 3), NDArray.Zeros(DType.Float32, 3, 2)));

        Assert.AreEqual("Inputs and labels need one leading batch axis of one size, got shapes (2, 3) and (3, 2). (Parameter 'labels')", e.Message);
    }

    [TestMethod]
    public void Resume_ThrowsForAStateOfAnotherOptimizer()
    {
        var state = FlaxCheckpoint.ReadTrainState(File("adam"), Optimizers.Adam(0.01));

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => new Trainer(Linear, Losses.SquaredError, Optimizers.RmsProp(0.01), state, Device.Cpu));

        Assert.AreEqual("The checkpoint's optimizer state does not match the optimizer at \"opt_state/0\": the checkpoint has \"count\", which the optimizer does not keep (it keeps \"nu\").", e.Message);
    }

    [TestMethod]
    public void Resume_ThrowsForAStepPastInt32()
    {
        var state = FlaxCheckpoint.ReadTrainState(File("adam"), Optimizers.Adam(0.01)) with { Step = 1L << 31 };

        var e = Assert.ThrowsExactly<ArgumentException>(() => new Trainer(Linear, Losses.SquaredError, Optimizers.Adam(0.01), state, Device.Cpu));

        Assert.AreEqual("The step count 2147483648 is above 2147483647. (Parameter 'state')", e.Message);
    }

    [TestMethod]
    public void Evaluate_ThrowsWhenDisposed()
    {
        var (x, t) = Batch();
        var trainer = new Trainer(Linear, Losses.SquaredError, Optimizers.Adam(0.01), FlaxCheckpoint.ReadTrainState(File("adam"), Optimizers.Adam(0.01)), Device.Cpu);
        trainer.Dispose();

        Assert.ThrowsExactly<ObjectDisposedException>(() => trainer.Evaluate(x, t));
    }

    [TestMethod]
    public void RestoreNamesTheFirstFieldOfAnotherOptimizer()
    {
        var adamState = FlaxCheckpoint.Read(File("adam"));

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.RestoreTrainState(adamState, Optimizers.Sgd(0.1, momentum: 0.9)));

        Assert.AreEqual("The checkpoint's optimizer state does not match the optimizer at \"opt_state/0\": the optimizer keeps \"trace\", which the checkpoint lacks (it has \"count\", \"mu\", \"nu\").", e.Message);
    }

    [TestMethod]
    public void RestoreNamesAScheduleCountTheOptimizerDoesNotKeep()
    {
        var sgdState = FlaxCheckpoint.Read(File("sgd"));

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.RestoreTrainState(sgdState, Optimizers.Sgd(0.1, momentum: 0.9)));

        Assert.AreEqual("The checkpoint's optimizer state does not match the optimizer at \"opt_state/1\": the checkpoint has \"count\", which the optimizer does not keep (it keeps none).", e.Message);
    }

    [TestMethod]
    public void RestoreNamesAMomentOfAnotherShape()
    {
        var state = FlaxCheckpoint.Read(File("adam"));
        var wider = state.Copy([KeyValuePair.Create("params", (object)new VariableDict(("Dense_0", new VariableDict(
            ("bias", NDArray.Zeros(DType.Float32, 2)), ("kernel", NDArray.Zeros(DType.Float32, 4, 2)))))) ]);

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.RestoreTrainState(wider, Optimizers.Adam(0.01)));

        Assert.AreEqual("The checkpoint's optimizer state does not match the optimizer at \"opt_state/0/mu/Dense_0/kernel\": the optimizer keeps an array (4, 2) float32, the checkpoint has an array (3, 2) float32.", e.Message);
    }

    [TestMethod]
    public void RestoreRefusesAVariablesCheckpoint()
    {
        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() =>
            FlaxCheckpoint.ReadTrainState(ExpectedValues.FixturePath("LogisticRegression_10.ckpt"), Optimizers.Adam(0.01)));

        Assert.AreEqual("The checkpoint is not a Flax TrainState: it has no \"step\" field (its fields are \"params\", \"batch_stats\").", e.Message);
    }

    [TestMethod]
    public void RestoreRefusesParamsThatAreNotArrays()
    {
        var state = FlaxCheckpoint.Read(File("adam"));
        var withText = state.Copy([KeyValuePair.Create("params", (object)new VariableDict(("Dense_0", new VariableDict(("kernel", "w"))))) ]);
        var withSlash = state.Copy([KeyValuePair.Create("params", (object)new VariableDict(("a/b", NDArray.Zeros(DType.Float32, 2))))]);

        var text = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.RestoreTrainState(withText, Optimizers.Adam(0.01)));
        var slash = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.RestoreTrainState(withSlash, Optimizers.Adam(0.01)));

        Assert.AreEqual("The checkpoint's parameter \"params/Dense_0/kernel\" is a string, not an array.", text.Message);
        Assert.AreEqual("The checkpoint's params cannot be trained: Cannot flatten key \"a/b\": keys must be non-empty and contain no '/'.", slash.Message);
    }

    [TestMethod]
    public void RestoreRefusesANegativeStep()
    {
        var state = FlaxCheckpoint.Read(File("sgd")).Copy([KeyValuePair.Create("step", (object)(-1L))]);

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.RestoreTrainState(state, Case("sgd").Optimizer));

        Assert.AreEqual("The checkpoint's TrainState step is Int64 -1; it must be a non-negative integer below 2^31 (a Python int or an int32 or int64 scalar).", e.Message);
    }

    /// <summary>Same keys in the same order and the same leaf kinds; float arrays within 1e-6, others equal.</summary>
    private static void AssertClose(object expected, object actual, string path)
    {
        Assert.AreEqual(expected.GetType(), actual.GetType(), $"kind at \"{path}\"");
        switch (expected)
        {
            case VariableDict dict:
                var other = (VariableDict)actual;
                CollectionAssert.AreEqual(dict.Keys.ToArray(), other.Keys.ToArray(), $"keys at \"{path}\"");
                foreach (var (key, value) in dict) AssertClose(value, other[key], path.Length == 0 ? key : $"{path}/{key}");
                break;
            case NDArray { DType: DType.Float32 } array:
                var got = (NDArray)actual;
                CollectionAssert.AreEqual(array.Shape, got.Shape, path);
                foreach (var (e, a) in array.ToArray<float>().Zip(got.ToArray<float>()))
                    Assert.IsTrue(Math.Abs(e - a) <= 1e-6, $"\"{path}\": {a} vs {e}");
                break;
            case NDArray array:
                ExpectedValues.AssertSame(array, actual, path);
                break;
            default:
                Assert.AreEqual(expected, actual, path);
                break;
        }
    }
}
