namespace Flax.Tests.Lift;

/// <summary><c>Lift.Jvp</c>: Flax's <c>test_jvp</c> and a check against central finite differences.</summary>
[TestClass]
public sealed class JvpTests
{
    /// <summary><c>test_jvp</c>: <c>g = p * x</c> with <c>p = param('test', zeros, ())</c>; the tangent along
    /// <c>p_t = 1</c>, <c>x_t = 0</c> is <c>x</c>, i.e. ones.</summary>
    [TestMethod]
    public void Jvp()
    {
        static Tensor G(Scope scope, Tensor[] xs)
        {
            var p = scope.Param<Tensor>("test", Initializers.Zeros, []);
            scope.Variable("state", "counter", () => 0);
            return p * xs[0];
        }
        static Tensor F(Scope scope, Tensor x)
        {
            var parameters = scope.Variables().TryGetValue("params", out var tree) ? (VariableDict)tree : VariableDict.Empty;
            var tangents = parameters.Map(leaf => (object)(((Tensor)leaf) * 0f + 1f));
            var (_, tangent) = Flax.Lift.Jvp(G, scope, [x], [x * 0f], new VariableDict(("params", tangents)));
            return tangent;
        }
        var x = NDArray.Ones(DType.Float32, 3);
        var (_, variables) = Core.Init(F)(PrngKey.Create(0), x);
        var yT = Core.Apply(F)(variables, x);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f }, yT.ToArray<float>());
    }

    /// <summary>The JVP of <c>tanh(x W) . sum</c> along random tangents of <c>x</c> and <c>W</c> (float64) equals
    /// <c>(f(x + h t) - f(x - h t)) / 2h</c> on the host.</summary>
    [TestMethod]
    public void JvpEqualsFiniteDifferences()
    {
        var rng = new System.Random(11);
        double[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1)];
        var (x, xt, w, wt) = (Draw(6), Draw(6), Draw(12), Draw(12));
        static Tensor G(Scope scope, Tensor[] xs) => Tensor.MatMul(xs[0], scope.Param<Tensor>("w", Initializers.Zeros, [3, 4], DType.Float64)).Tanh().Sum(1);
        Tensor F(Scope scope, Tensor input, Tensor inputTangent) =>
            Flax.Lift.Jvp(G, scope, [input], [inputTangent], new VariableDict(("params", new VariableDict(("w", (object)(Tensor)NDArray.From(wt, 3, 4)))))).Tangent;
        var variables = new VariableDict(("params", new VariableDict(("w", NDArray.From(w, 3, 4)))));
        var tangent = Core.Apply(F)(variables, NDArray.From(x, 2, 3), NDArray.From(xt, 2, 3)).ToArray<double>();
        double[] Host(double h)
        {
            var y = new double[2];
            for (int b = 0; b < 2; b++)
                for (int j = 0; j < 4; j++)
                {
                    double s = 0;
                    for (int i = 0; i < 3; i++) s += (x[b * 3 + i] + h * xt[b * 3 + i]) * (w[i * 4 + j] + h * wt[i * 4 + j]);
                    y[b] += Math.Tanh(s);
                }
            return y;
        }
        const double step = 1e-6;
        var (plus, minus) = (Host(step), Host(-step));
        for (int b = 0; b < 2; b++)
        {
            double fd = (plus[b] - minus[b]) / (2 * step);
            Assert.IsTrue(Math.Abs(tangent[b] - fd) <= 1e-6 * (1 + Math.Abs(fd)), $"row {b}: {tangent[b]} vs {fd}");
        }
    }
}
