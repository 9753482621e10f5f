using static Flax.Tests.Optim.OptimizerRun;

namespace Flax.Tests.Optim;

/// <summary>
/// Optimizers against direct host loops of optax's formulas (float64, within 1e-12 relative unless stated): several
/// steps with fresh random gradients each, through the traced update on the reference evaluator.
/// </summary>
[TestClass]
public sealed class OptimizerTests
{
    private const int Steps = 5;

    /// <summary>Runs <paramref name="optimizer"/> and the host rule <paramref name="host"/> (given the leaf, its
    /// gradient, the 1-based step and per-leaf scratch state) side by side.</summary>
    private static void Check(Optimizer optimizer, Func<string, double[], double[], int, Dictionary<string, double[]>, double[]> host,
        DType dtype = DType.Float64, double tolerance = 1e-12, int seed = 0)
    {
        var random = new System.Random(seed);
        var parameters = Parameters(random, dtype);
        var state = optimizer.Init(parameters);
        var expected = Doubles(parameters);
        var scratch = new Dictionary<string, Dictionary<string, double[]>>();
        for (int t = 1; t <= Steps; t++)
        {
            var grads = Gradients(random, parameters);
            (parameters, state) = Step(optimizer, parameters, state, grads);
            foreach (var (path, g) in Doubles(grads))
            {
                if (!scratch.TryGetValue(path, out var s)) scratch[path] = s = [];
                expected[path] = host(path, expected[path], g, t, s);
            }
        }
        AssertClose(expected, parameters, tolerance);
    }

    private static double[] Get(Dictionary<string, double[]> s, string key, int length, double initial = 0) =>
        s.TryGetValue(key, out var v) ? v : s[key] = Enumerable.Repeat(initial, length).ToArray();

    [TestMethod]
    public void Sgd() => Check(Optimizers.Sgd(0.1), (_, p, g, _, _) => [.. p.Select((x, i) => x - 0.1 * g[i])]);

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void SgdWithMomentum(bool nesterov) => Check(Optimizers.Sgd(0.05, momentum: 0.9, nesterov: nesterov), (_, p, g, _, s) =>
    {
        var trace = Get(s, "trace", p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            trace[i] = g[i] + 0.9 * trace[i];
            p[i] -= 0.05 * (nesterov ? g[i] + 0.9 * trace[i] : trace[i]);
        }
        return p;
    });

    private static double[] AdamStep(double[] p, double[] g, int t, Dictionary<string, double[]> s, bool nesterov, double weightDecay)
    {
        const double lr = 0.01, b1 = 0.8, b2 = 0.95, eps = 1e-6, epsRoot = 1e-9;
        var (mu, nu) = (Get(s, "mu", p.Length), Get(s, "nu", p.Length));
        var result = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            mu[i] = (1 - b1) * g[i] + b1 * mu[i];
            nu[i] = (1 - b2) * g[i] * g[i] + b2 * nu[i];
            double muHat = nesterov
                ? b1 * mu[i] / (1 - Math.Pow(b1, t + 1)) + (1 - b1) * g[i] / (1 - Math.Pow(b1, t))
                : mu[i] / (1 - Math.Pow(b1, t));
            double nuHat = nu[i] / (1 - Math.Pow(b2, t));
            double update = muHat / (Math.Sqrt(nuHat + epsRoot) + eps) + weightDecay * p[i];
            result[i] = p[i] - lr * update;
        }
        return result;
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Adam(bool nesterov) =>
        Check(Optimizers.Adam(0.01, b1: 0.8, b2: 0.95, eps: 1e-6, epsRoot: 1e-9, nesterov: nesterov),
            (_, p, g, t, s) => AdamStep(p, g, t, s, nesterov, 0));

    [TestMethod]
    public void AdamInFloat32()
    {
        // Float32 rounding of each operation: 1e-5 relative.
        Check(Optimizers.Adam(0.01, b1: 0.8, b2: 0.95, eps: 1e-6, epsRoot: 1e-9), (_, p, g, t, s) => AdamStep(p, g, t, s, false, 0),
            DType.Float32, 1e-5);
    }

    [TestMethod]
    public void AdamWDecaysTheMaskedParameters() =>
        Check(Optimizers.AdamW(0.01, b1: 0.8, b2: 0.95, eps: 1e-6, epsRoot: 1e-9, weightDecay: 0.3, mask: path => path.EndsWith("kernel", StringComparison.Ordinal)),
            (path, p, g, t, s) => AdamStep(p, g, t, s, false, path.EndsWith("kernel", StringComparison.Ordinal) ? 0.3 : 0));

    [TestMethod]
    public void RmsPropWithMomentum() => Check(Optimizers.RmsProp(0.02, decay: 0.7, eps: 1e-4, initialScale: 0.5, momentum: 0.6),
        (_, p, g, _, s) =>
        {
            var (nu, trace) = (Get(s, "nu", p.Length, 0.5), Get(s, "trace", p.Length));
            for (int i = 0; i < p.Length; i++)
            {
                nu[i] = 0.7 * nu[i] + 0.3 * g[i] * g[i];
                trace[i] = -0.02 * g[i] / Math.Sqrt(nu[i] + 1e-4) + 0.6 * trace[i];
                p[i] += trace[i];
            }
            return p;
        });

    /// <summary>Clipping by the global norm of all leaves: a small bound clips every step, a large one none.</summary>
    [TestMethod]
    [DataRow(0.5)]
    [DataRow(100.0)]
    public void ClipByGlobalNormThenSgd(double maxNorm)
    {
        var random = new System.Random(3);
        var optimizer = Optimizers.Chain(Optimizers.ClipByGlobalNorm(maxNorm), Optimizers.Sgd(1.0));
        var parameters = Parameters(random);
        var grads = Gradients(random, parameters);
        var (updated, _) = Step(optimizer, parameters, optimizer.Init(parameters), grads);
        var g = Doubles(grads);
        double norm = Math.Sqrt(g.Values.Sum(v => v.Sum(x => x * x)));
        double factor = norm < maxNorm ? 1 : maxNorm / norm;
        var expected = Doubles(parameters).ToDictionary(kv => kv.Key, kv => kv.Value.Select((x, i) => x - factor * g[kv.Key][i]).ToArray());
        AssertClose(expected, updated, 1e-12);
    }

    /// <summary>A cosine schedule inside the graph gives each step optax's learning rate <c>init * (0.5 (1 + cos(pi t /
    /// T)))</c>, computed here with <c>Math.Cos</c> at the 0-based count.</summary>
    [TestMethod]
    public void SgdWithACosineSchedule() => Check(Optimizers.Sgd(Schedules.CosineDecay(0.2, 4)), (_, p, g, t, _) =>
    {
        double lr = 0.2 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(t - 1, 4) / 4));
        return [.. p.Select((x, i) => x - lr * g[i])];
    });

    [TestMethod]
    public void AdamStateHasOptaxsLayout()
    {
        var parameters = Parameters(new System.Random(0));
        var state = Optimizers.Adam(Schedules.Constant(0.1)).Init(parameters);
        CollectionAssert.AreEquivalent(
            new[] { "0/count", "0/mu/Dense_0/kernel", "0/mu/Dense_0/bias", "0/nu/Dense_0/kernel", "0/nu/Dense_0/bias", "1/count" },
            state.Flatten().Keys.ToArray());
        Assert.AreEqual(DType.Int32, ((NDArray)state.Flatten()["0/count"]).DType);
        Assert.AreEqual(0, ((NDArray)state.Flatten()["1/count"]).Item<int>());
        CollectionAssert.AreEqual(new[] { 3, 2 }, ((NDArray)state.Flatten()["0/mu/Dense_0/kernel"]).Shape);
    }

    [TestMethod]
    public void InitNeedsHostArrays()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Optimizers.Sgd(0.1).Init(new VariableDict(("w", 3))));
        Assert.AreEqual("Optimizer.Init needs host arrays, but parameter 'w' is a Int32. (Parameter 'parameters')", e.Message);
    }

    [TestMethod]
    public void WeightDecayNeedsTheParameters()
    {
        var optimizer = Optimizers.AdamW(0.1);
        var parameters = Parameters(new System.Random(0));
        var state = optimizer.Init(parameters);
        using var trace = new TraceContext();
        var e = Assert.ThrowsExactly<ArgumentException>(() => optimizer.Update(parameters, state));
        Assert.AreEqual("add_decayed_weights needs the parameters: pass them to Update. (Parameter 'parameters')", e.Message);
    }

    [TestMethod]
    public void StateFromAnotherOptimizer()
    {
        var parameters = Parameters(new System.Random(0));
        using var trace = new TraceContext();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Optimizers.Adam(0.1).Update(parameters, Optimizers.Sgd(0.1).Init(parameters)));
        Assert.AreEqual("The optimizer state's mu have no entry 'Dense_0/kernel' for the gradient of that path.", e.Message);
    }

    [TestMethod]
    public void UpdateOutsideATrace()
    {
        var parameters = Parameters(new System.Random(0));
        var optimizer = Optimizers.Sgd(0.1);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => optimizer.Update(parameters, optimizer.Init(parameters)));
        Assert.AreEqual("A host array or number can become a Tensor only while a function is being traced (inside Core.Init, Core.Apply or Core.Export).", e.Message);
    }

    [TestMethod]
    public void StateWithoutItsCount()
    {
        var parameters = Parameters(new System.Random(0));
        using var trace = new TraceContext();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Optimizers.ScaleBySchedule(Schedules.Constant(1)).Update(parameters, VariableDict.Empty));
        Assert.AreEqual("The optimizer state has no entry 'count'; make it with the optimizer's Init.", e.Message);
    }

    [TestMethod]
    public void StatePartThatIsNotADictionary()
    {
        var parameters = Parameters(new System.Random(0));
        using var trace = new TraceContext();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Optimizers.Adam(0.1).Update(parameters, new VariableDict(("0", NDArray.Scalar(0)))));
        Assert.AreEqual("Optimizer state entry '0' must be a dictionary, got a NDArray.", e.Message);
    }

    [TestMethod]
    public void GradientsThatAreNotArrays()
    {
        using var trace = new TraceContext();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Optimizers.Sgd(0.1).Update(new VariableDict(("w", "text")), VariableDict.Empty));
        Assert.AreEqual("Optimizer states and gradients hold tensors or arrays, got a String.", e.Message);
    }
}
