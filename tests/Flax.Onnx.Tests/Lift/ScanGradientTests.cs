namespace Flax.Tests.Lift;

/// <summary>Gradients through <c>Lift.Scan</c> (float64 on ONNX Runtime) against central finite differences of the same
/// recurrence computed on the host.</summary>
[TestClass]
public sealed class ScanGradientTests
{
    private const int T = 4, H = 3;

    /// <summary><c>h_t = tanh(h_{t-1} @ w + x_t)</c> from <c>h_0 = 0</c> over the rows of <paramref name="x"/> (steps of <c>H</c>); loss <c>sum_t sum_i c[t, i] * h_t[i]</c>.</summary>
    internal static double HostLoss(double[] w, double[] x, double[] c)
    {
        var h = new double[H];
        double loss = 0;
        for (int t = 0; t < x.Length / H; t++)
        {
            var next = new double[H];
            for (int j = 0; j < H; j++)
            {
                double s = x[t * H + j];
                for (int i = 0; i < H; i++) s += h[i] * w[i * H + j];
                next[j] = Math.Tanh(s);
                loss += c[t * H + j] * next[j];
            }
            h = next;
        }
        return loss;
    }

    private static Tensor Loss(Scope scope, Tensor xs, Tensor c)
    {
        var rnn = Flax.Lift.Scan((Scope s, Tensor[] carry, Tensor x) =>
        {
            var w = s.Param<Tensor>("w", Initializers.Normal(0.5), [H, H], DType.Float64);
            var h = (Tensor.MatMul(carry[0], w) + x).Tanh();
            return ([h], h);
        }, variableBroadcast: "params", splitRngs: new Dictionary<Filter, bool> { ["params"] = false });
        var (_, ys) = rnn(scope, [xs.SliceInDim(0, 1).Squeeze(0) * 0.0], xs);
        return (ys * c).Sum();
    }

    [TestMethod]
    public void GradientThroughScanEqualsFiniteDifferences()
    {
        var rng = new System.Random(7);
        double[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1)];
        var (x, c) = (NDArray.From(Draw(T * H), T, H), NDArray.From(Draw(T * H), T, H));
        var (_, variables) = Core.Init(Loss)(PrngKey.Create(0), x, c);
        static Tensor WithGrads(Scope scope, Tensor xs, Tensor cs)
        {
            var (value, grads) = Core.ValueAndGrad(s => Loss(s, xs, cs), scope);
            scope.PutVariable("grads", "w", grads.Flatten()["params/w"]);
            return value;
        }
        var (loss, mutated) = Core.Apply(WithGrads, "grads")(variables, x, c);
        var w = ((NDArray)variables.Flatten()["params/w"]).ToArray<double>();
        var (xs, cs) = (x.ToArray<double>(), c.ToArray<double>());
        Assert.IsTrue(Math.Abs(loss.Item<double>() - HostLoss(w, xs, cs)) <= 1e-12);
        var grad = ((NDArray)mutated.Flatten()["grads/w"]).ToArray<double>();
        FiniteDifferences.AssertGradient(v => HostLoss(v, xs, cs), w, grad);
    }
}
