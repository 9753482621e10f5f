using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

/// <summary>Linen's <c>LSTMCell</c>, <c>OptimizedLSTMCell</c>, <c>GRUCell</c>, <c>RNN</c> and <c>Bidirectional</c> as scope
/// functions: parameter layout, and outputs against float64 host recurrences from the same parameters.</summary>
[TestClass]
public sealed class RecurrentTests
{
    private const int B = 2, T = 5, In = 3, F = 4;
    private static readonly NDArray Xs = Prng.Normal(PrngKey.Create(3), [B, T, In]);

    private static Tensor Lstm(Scope s, Tensor x) => Flax.Nn.Rnn(s, Flax.Nn.LstmCell, x, Flax.Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), F)).Outputs;

    private static Func<string, double[]> Params(VariableDict variables, string prefix) =>
        name => [.. ((NDArray)variables.Flatten()[$"params/{prefix}{name}"]).ToArray<float>().Select(v => (double)v)];

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary><c>x W (+ b)</c> for one row.</summary>
    private static double[] Affine(double[] x, double[] w, double[]? b)
    {
        int n = w.Length / x.Length;
        var y = new double[n];
        for (int j = 0; j < n; j++)
        {
            y[j] = b?[j] ?? 0;
            for (int i = 0; i < x.Length; i++) y[j] += x[i] * w[i * n + j];
        }
        return y;
    }

    private static double[] Row(NDArray xs, int b, int t) => [.. xs.ToArray<float>().Skip((b * T + t) * In).Take(In).Select(v => (double)v)];

    private static void AssertClose(double[] expected, NDArray actual, string what)
    {
        var a = actual.ToArray<float>();
        Assert.AreEqual(expected.Length, a.Length, what);
        for (int i = 0; i < a.Length; i++) Assert.IsTrue(Math.Abs(a[i] - expected[i]) <= 1e-5, $"{what}[{i}]: {a[i]} vs {expected[i]}");
    }

    /// <summary>The LSTM's outputs <c>(B, T, F)</c> computed on the host, steps in <paramref name="order"/>.</summary>
    private static double[] HostLstm(Func<string, double[]> p, IEnumerable<int> order)
    {
        var ys = new double[B * T * F];
        for (int b = 0; b < B; b++)
        {
            var (c, h) = (new double[F], new double[F]);
            foreach (int t in order)
            {
                var x = Row(Xs, b, t);
                double[] Gate(string g) => [.. Affine(x, p($"i{g}/kernel"), null).Zip(Affine(h, p($"h{g}/kernel"), p($"h{g}/bias")), (u, v) => u + v)];
                var (i, f, gg, o) = (Gate("i"), Gate("f"), Gate("g"), Gate("o"));
                for (int j = 0; j < F; j++)
                {
                    c[j] = Sigmoid(f[j]) * c[j] + Sigmoid(i[j]) * Math.Tanh(gg[j]);
                    h[j] = Sigmoid(o[j]) * Math.Tanh(c[j]);
                    ys[(b * T + t) * F + j] = h[j];
                }
            }
        }
        return ys;
    }

    [TestMethod]
    public void LstmCellParametersAreLinens()
    {
        var (_, variables) = Core.Init(Lstm)(PrngKey.Create(0), Xs);
        var expected = new List<(string, string)>();
        foreach (var g in new[] { "i", "f", "g", "o" })
            expected.AddRange([($"cell/i{g}/kernel", "(3, 4)"), ($"cell/h{g}/kernel", "(4, 4)"), ($"cell/h{g}/bias", "(4,)")]);
        ShapeTree.AssertEqual(variables, [.. expected]);
    }

    [TestMethod]
    public void LstmRnnEqualsAHostLoop()
    {
        var (y, variables) = Core.Init(Lstm)(PrngKey.Create(0), Xs);
        AssertClose(HostLstm(Params(variables, "cell/"), Enumerable.Range(0, T)), y, "y");
    }

    [TestMethod]
    public void OptimizedLstmCellSharesTheParametersAndTheResult()
    {
        var (y, variables) = Core.Init(Lstm)(PrngKey.Create(0), Xs);
        static Tensor Optimized(Scope s, Tensor x) =>
            Flax.Nn.Rnn(s, Flax.Nn.OptimizedLstmCell, x, Flax.Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), F)).Outputs;
        var (y2, variables2) = Core.Init(Optimized)(PrngKey.Create(0), Xs);
        Assert.IsTrue(variables.Equals(variables2), "same parameters from the same key");
        AssertClose([.. y.ToArray<float>().Select(v => (double)v)], Core.Apply(Optimized)(variables, Xs), "y");
    }

    [TestMethod]
    public void ReverseKeepsOrderOrNotAsLinen()
    {
        Func<Scope, Tensor, Tensor> Reversed(bool keepOrder) => (s, x) =>
            Flax.Nn.Rnn(s, Flax.Nn.LstmCell, x, Flax.Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), F), reverse: true, keepOrder: keepOrder).Outputs;
        var (kept, variables) = Core.Init((s, x) => Reversed(true)(s, x))(PrngKey.Create(0), Xs);
        var expected = HostLstm(Params(variables, "cell/"), Enumerable.Range(0, T).Reverse());
        AssertClose(expected, kept, "keep_order=True");
        var flipped = Core.Apply((s, x) => Reversed(false)(s, x))(variables, Xs).ToArray<float>();
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int j = 0; j < F; j++)
                    Assert.AreEqual(kept.Get<float>(b, T - 1 - t, j), flipped[(b * T + t) * F + j]);
    }

    [TestMethod]
    public void BidirectionalConcatenatesBothDirections()
    {
        static Tensor Bi(Scope s, Tensor x)
        {
            var carry = Flax.Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), F);
            return Flax.Nn.Bidirectional(s, Flax.Nn.LstmCell, Flax.Nn.LstmCell, x, carry, carry).Outputs;
        }
        var (y, variables) = Core.Init(Bi)(PrngKey.Create(0), Xs);
        var forward = HostLstm(Params(variables, "forward_rnn/cell/"), Enumerable.Range(0, T));
        var backward = HostLstm(Params(variables, "backward_rnn/cell/"), Enumerable.Range(0, T).Reverse());
        var expected = new double[B * T * 2 * F];
        for (int r = 0; r < B * T; r++)
            for (int j = 0; j < F; j++) (expected[r * 2 * F + j], expected[r * 2 * F + F + j]) = (forward[r * F + j], backward[r * F + j]);
        AssertClose(expected, y, "y");
    }

    [TestMethod]
    public void GruRnnEqualsAHostLoop()
    {
        static Tensor Gru(Scope s, Tensor x) => Flax.Nn.Rnn(s, Flax.Nn.GruCell, x, Flax.Nn.GruCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), F)).Outputs;
        var (y, variables) = Core.Init(Gru)(PrngKey.Create(0), Xs);
        ShapeTree.AssertEqual(variables, ("cell/hn/bias", "(4,)"), ("cell/hn/kernel", "(4, 4)"), ("cell/hr/kernel", "(4, 4)"), ("cell/hz/kernel", "(4, 4)"),
            ("cell/in/bias", "(4,)"), ("cell/in/kernel", "(3, 4)"), ("cell/ir/bias", "(4,)"), ("cell/ir/kernel", "(3, 4)"),
            ("cell/iz/bias", "(4,)"), ("cell/iz/kernel", "(3, 4)"));
        var p = Params(variables, "cell/");
        var expected = new double[B * T * F];
        for (int b = 0; b < B; b++)
        {
            var h = new double[F];
            for (int t = 0; t < T; t++)
            {
                var x = Row(Xs, b, t);
                var r = Affine(x, p("ir/kernel"), p("ir/bias")).Zip(Affine(h, p("hr/kernel"), null), (u, v) => Sigmoid(u + v)).ToArray();
                var z = Affine(x, p("iz/kernel"), p("iz/bias")).Zip(Affine(h, p("hz/kernel"), null), (u, v) => Sigmoid(u + v)).ToArray();
                var hn = Affine(h, p("hn/kernel"), p("hn/bias"));
                var n = Affine(x, p("in/kernel"), p("in/bias")).Select((u, j) => Math.Tanh(u + r[j] * hn[j])).ToArray();
                h = [.. Enumerable.Range(0, F).Select(j => (1 - z[j]) * n[j] + z[j] * h[j])];
                for (int j = 0; j < F; j++) expected[(b * T + t) * F + j] = h[j];
            }
        }
        AssertClose(expected, y, "y");
    }

    /// <summary>
    /// <c>orthogonal()</c>: <c>Q</c> has orthonormal columns (rows, when wider than tall), and <c>Qᵀ A</c> is upper
    /// triangular with a positive diagonal for the normal matrix <c>A</c> of the same key: that is the QR factorisation
    /// JAX's initializer takes, which is unique.
    /// </summary>
    [TestMethod]
    public void OrthogonalIsTheQOfTheNormalMatrix()
    {
        foreach (var (rows, cols) in new[] { (5, 3), (4, 4), (2, 6) })
        {
            var key = PrngKey.Create(rows * 10 + cols);
            var q = Initializers.Orthogonal()(key, [rows, cols], DType.Float32).ToArray<float>();
            bool wide = rows < cols;
            int m = wide ? cols : rows, n = wide ? rows : cols;
            var a = Prng.Normal(key, [m, n]).ToArray<float>();
            double Q(int i, int j) => wide ? q[j * cols + i] : q[i * cols + j];
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++)
                {
                    double dot = 0, r = 0;
                    for (int i = 0; i < m; i++) (dot, r) = (dot + Q(i, j) * Q(i, k), r + Q(i, j) * a[i * n + k]);
                    Assert.IsTrue(Math.Abs(dot - (j == k ? 1 : 0)) <= 1e-5, $"({rows}, {cols}): column {j} . column {k} = {dot}");
                    if (j > k) Assert.IsTrue(Math.Abs(r) <= 1e-5, $"({rows}, {cols}): R[{j}, {k}] = {r}");
                    if (j == k) Assert.IsTrue(r > 0, $"({rows}, {cols}): R[{j}, {j}] = {r}");
                }
        }
        var e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.Orthogonal()(PrngKey.Create(0), [3], DType.Float32));
        StringAssert.StartsWith(e.Message, "orthogonal initializer requires at least a 2D shape, got (3,).");
    }
}
