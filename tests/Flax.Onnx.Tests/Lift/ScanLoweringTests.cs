using Flax.Lowering.Proto;
using Flax.Tests.Lowering;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Tests.Lift;

/// <summary>
/// <c>Lift.Scan</c> above <see cref="Flax.Lift.ScanUnrollThreshold"/>: one <c>scan</c> equation, exported as one ONNX
/// <c>Scan</c> (forward and reverse), equal to explicit host loops; at or below it the loop is unrolled (no <c>Scan</c>).
/// Float32 results agree with the float64 host loops within 1e-5; gradients (float64) with central finite differences
/// within 1e-6 relative.
/// </summary>
[TestClass]
public sealed class ScanLoweringTests
{
    private const int T = 6, H = 3;

    public TestContext TestContext { get; set; } = null!;

    private string TempPath(string name) => Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-{name}");

    private static int ScanNodes(byte[] model) => ModelProto.Parser.ParseFrom(model).Graph.Node.Count(n => n.OpType == "Scan");

    /// <summary>An RNN over axis 1 of <c>(batch, time, H)</c> with two carries (<c>h</c> and the running sum of the
    /// <c>h</c>s) and two outputs per step (<c>h</c> and the sum), stacked on axis 1: <c>h = tanh(h * a + x)</c>.</summary>
    private static Tensor Rnn(Scope scope, Tensor xs, bool reverse)
    {
        var scan = Flax.Lift.Scan((Scope s, Tensor[] c, Tensor x) =>
        {
            var a = s.Param<Tensor>("a", Initializers.Normal(0.8), [H], DType.Float32);
            var h = (c[0] * a + x).Tanh();
            var sum = c[1] + h;
            return ([h, sum], Tensor.Concat([h, sum], 1));
        }, variableBroadcast: "params", splitRngs: new Dictionary<Filter, bool> { ["params"] = false }, inAxes: 1, outAxes: 1, reverse: reverse);
        var zero = xs.SliceInDim(0, 1, 1, 1).Squeeze(1) * 0f;
        var (carry, ys) = scan(scope, [zero, zero], xs);
        return Tensor.Concat([ys, Tensor.Concat([carry[0], carry[1]], 1).ExpandDims(1)], 1);
    }

    /// <summary>The same recurrence on the host in float64, steps in the given direction, outputs in step order, then
    /// the final carries as one more row.</summary>
    private static double[] HostRnn(float[] a, float[] x, int batch, bool reverse)
    {
        int rows = T + 1, width = 2 * H;
        var result = new double[batch * rows * width];
        for (int b = 0; b < batch; b++)
        {
            var (h, sum) = (new double[H], new double[H]);
            for (int n = 0; n < T; n++)
            {
                int t = reverse ? T - 1 - n : n;
                for (int j = 0; j < H; j++)
                {
                    h[j] = Math.Tanh(h[j] * a[j] + x[(b * T + t) * H + j]);
                    sum[j] += h[j];
                    result[(b * rows + t) * width + j] = h[j];
                    result[(b * rows + t) * width + H + j] = sum[j];
                }
            }
            for (int j = 0; j < H; j++)
            {
                result[(b * rows + T) * width + j] = h[j];
                result[(b * rows + T) * width + H + j] = sum[j];
            }
        }
        return result;
    }

    private static void AssertClose(double[] expected, float[] actual, double tolerance, string what)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}: element {i} is {actual[i]}, expected {expected[i]}");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void AboveTheThresholdTheGraphHoldsOneScanEqualToAHostLoop(bool reverse)
    {
        var x = Prng.Normal(PrngKey.Create(3), [2, T, H]);
        Tensor Model(Scope s, Tensor xs) => Rnn(s, xs, reverse);
        var (_, variables) = Core.Init(Model)(PrngKey.Create(0), x);
        var a = ((NDArray)variables.Flatten()["params/a"]).ToArray<float>();
        foreach (var (threshold, scans) in new[] { (T - 1, 1), (T, 0) })
        {
            using var pinned = Flax.Lift.PinScanUnrollThreshold(threshold);
            var y = Core.Apply(Model)(variables, x).ToArray<float>();
            AssertClose(HostRnn(a, x.ToArray<float>(), 2, reverse), y, 1e-5, $"threshold {threshold}");
            using var stream = new MemoryStream();
            Core.Export(Model, variables, stream, [new TensorSpec(DType.Float32, [-1, T, H])]);
            Assert.AreEqual(scans, ScanNodes(stream.ToArray()), $"threshold {threshold}");
        }
    }

    /// <summary>A linen-style LSTM of 20 steps (above the default threshold): the exported graph holds one <c>Scan</c>,
    /// passes <c>onnx.checker</c> and, run by ONNX Runtime at another batch size, equals the unrolled <c>Core.Apply</c>.</summary>
    [TestMethod]
    public void ExportedLstmHoldsOneScanPassesTheCheckerAndEqualsTheUnrolledApply()
    {
        static Tensor Lstm(Scope s, Tensor x)
        {
            var (_, ys) = Flax.Nn.Rnn(s.Push("rnn"), Flax.Nn.LstmCell, x, Flax.Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), 5));
            return Flax.Nn.Dense(s.Push("out"), ys, 2);
        }
        Assert.IsGreaterThan(Flax.Lift.DefaultScanUnrollThreshold, 20);
        var x = Prng.Normal(PrngKey.Create(1), [2, 20, 3]);
        var (_, variables) = Core.Init(Lstm)(PrngKey.Create(0), x);
        var path = TempPath("lstm-scan.onnx");
        Core.Export(Lstm, variables, path, [new TensorSpec(DType.Float32, [-1, 20, 3])]);
        OnnxChecker.AssertValid(path);
        Assert.AreEqual(1, ScanNodes(File.ReadAllBytes(path)));
        var bigger = Prng.Normal(PrngKey.Create(2), [3, 20, 3]);
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(bigger.ToArray<float>(), [3, 20, 3]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [input], ["output_0"]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        using var unrolled = Flax.Lift.PinScanUnrollThreshold(int.MaxValue);
        var expected = Core.Apply(Lstm)(variables, bigger).ToArray<float>();
        AssertClose([.. expected.Select(v => (double)v)], actual, 1e-5, "LSTM");
    }

    /// <summary><c>nn.Bidirectional</c> of two LSTMs above the threshold: two <c>Scan</c>s (one reverse), equal to the
    /// unrolled form.</summary>
    [TestMethod]
    public void BidirectionalLstmHoldsTwoScansEqualToTheUnrolledForm()
    {
        static Tensor Model(Scope s, Tensor x)
        {
            var first = x.SliceInDim(0, 1, 1, 1).Squeeze(1);
            return Flax.Nn.Bidirectional(s, Flax.Nn.LstmCell, Flax.Nn.LstmCell, x, Flax.Nn.LstmCarry(first, 4), Flax.Nn.LstmCarry(first, 4)).Outputs;
        }
        var x = Prng.Normal(PrngKey.Create(5), [2, T, H]);
        var (_, variables) = Core.Init(Model)(PrngKey.Create(0), x);
        float[] scanned, unrolled;
        using (Flax.Lift.PinScanUnrollThreshold(0))
        {
            scanned = Core.Apply(Model)(variables, x).ToArray<float>();
            using var stream = new MemoryStream();
            Core.Export(Model, variables, stream, [new TensorSpec(DType.Float32, [-1, T, H])]);
            Assert.AreEqual(2, ScanNodes(stream.ToArray()));
        }
        using (Flax.Lift.PinScanUnrollThreshold(int.MaxValue)) unrolled = Core.Apply(Model)(variables, x).ToArray<float>();
        AssertClose([.. unrolled.Select(v => (double)v)], scanned, 1e-6, "bidirectional");
    }

    /// <summary><c>h_t = tanh(h_{t-1} @ w + x_t)</c>, loss <c>sum c * h</c> (float64): the gradient through one
    /// <c>scan</c> equation equals central finite differences, and the graph holds three <c>Scan</c>s whatever the
    /// length (the value, the forward pass stacking the carries, the reverse pass). With an int32 step counter in the
    /// carry (no cotangent to carry) the reverse pass differentiates the unrolled steps instead: one <c>Scan</c>.</summary>
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void GradientThroughScanAboveTheThresholdEqualsFiniteDifferences(bool intCarry)
    {
        const int steps = 5;
        Tensor Loss(Scope scope, Tensor xs, Tensor c)
        {
            var rnn = Flax.Lift.Scan((Scope s, Tensor[] carry, Tensor x) =>
            {
                var w = s.Param<Tensor>("w", Initializers.Normal(0.5), [H, H], DType.Float64);
                var h = (Tensor.MatMul(carry[0], w) + x).Tanh();
                return (intCarry ? [h, carry[1] + 1] : [h], h);
            }, variableBroadcast: "params", splitRngs: new Dictionary<Filter, bool> { ["params"] = false });
            var h0 = xs.SliceInDim(0, 1).Squeeze(0) * 0.0;
            var (_, ys) = rnn(scope, intCarry ? [h0, h0.SliceInDim(0, 1).Cast(DType.Int32)] : [h0], xs);
            return (ys * c).Sum();
        }
        Tensor WithGrads(Scope scope, Tensor xs, Tensor cs)
        {
            var (value, grads) = Core.ValueAndGrad(s => Loss(s, xs, cs), scope);
            scope.PutVariable("grads", "w", grads.Flatten()["params/w"]);
            return value;
        }
        using var pinned = Flax.Lift.PinScanUnrollThreshold(0);
        var rng = new System.Random(11);
        double[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1)];
        var (x, c) = (NDArray.From(Draw(steps * H), steps, H), NDArray.From(Draw(steps * H), steps, H));
        var (_, variables) = Core.Init(Loss)(PrngKey.Create(0), x, c);
        using (var stream = new MemoryStream())
        {
            Core.Export(WithGrads, variables, stream, [new TensorSpec(DType.Float64, [steps, H]), new TensorSpec(DType.Float64, [steps, H])], mutable: "grads");
            Assert.AreEqual(intCarry ? 1 : 3, ScanNodes(stream.ToArray()));
            var path = TempPath("scan-grad.onnx");
            File.WriteAllBytes(path, stream.ToArray());
            OnnxChecker.AssertValid(path);
        }
        var (loss, mutated) = Core.Apply(WithGrads, "grads")(variables, x, c);
        var w = ((NDArray)variables.Flatten()["params/w"]).ToArray<double>();
        var (xs, cs) = (x.ToArray<double>(), c.ToArray<double>());
        Assert.IsTrue(Math.Abs(loss.Item<double>() - ScanGradientTests.HostLoss(w, xs, cs)) <= 1e-12);
        var grad = ((NDArray)mutated.Flatten()["grads/w"]).ToArray<double>();
        FiniteDifferences.AssertGradient(v => ScanGradientTests.HostLoss(v, xs, cs), w, grad);
    }

    /// <summary><c>vmap</c> of a function holding a scan above the threshold batches its unrolled form: each row equals
    /// the host loop.</summary>
    [TestMethod]
    public void VmapOfAScanAboveTheThresholdEqualsTheHostLoop()
    {
        var scan = Flax.Lift.Scan((Scope _, Tensor[] c, Tensor x) => ([c[0] * 0.5f + x], c[0] * 0.5f + x));
        var vmapped = Flax.Lift.Vmap((Scope s, Tensor xs) => scan(s, [xs.SliceInDim(0, 1).Squeeze(0) * 0f], xs).Ys,
            new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>());
        var x = Prng.Normal(PrngKey.Create(9), [2, T, H]);
        using var pinned = Flax.Lift.PinScanUnrollThreshold(0);
        var y = Core.Apply((Scope s, Tensor xs) => vmapped(s, xs))(VariableDict.Empty, x).ToArray<float>();
        var xs = x.ToArray<float>();
        var expected = new double[xs.Length];
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < H; j++)
            {
                double h = 0;
                for (int t = 0; t < T; t++) expected[(b * T + t) * H + j] = h = h * 0.5 + xs[(b * T + t) * H + j];
            }
        AssertClose(expected, y, 1e-5, "vmap");
    }

    /// <summary>The threshold decides the traced program, so a cached <c>Core.Apply</c> model of one threshold never
    /// serves another.</summary>
    [TestMethod]
    public void TheApplyCacheKeyHoldsTheThreshold()
    {
        static Tensor Model(Scope _, Tensor x) => x;
        ApplyKey Key() => new(Model, [new TensorSpec(DType.Float32, [2])], new Dictionary<string, object>(), null, null, null, Device.Cpu);
        ApplyKey low, high, again;
        using (Flax.Lift.PinScanUnrollThreshold(0)) low = Key();
        using (Flax.Lift.PinScanUnrollThreshold(int.MaxValue)) (high, again) = (Key(), Key());
        Assert.AreNotEqual(low, high);
        Assert.AreEqual(high, again);
    }

    [TestMethod]
    public void ThresholdMustNotBeNegative()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Flax.Lift.ScanUnrollThreshold = -1);
        Assert.AreEqual("value", e.ParamName);
    }
}
