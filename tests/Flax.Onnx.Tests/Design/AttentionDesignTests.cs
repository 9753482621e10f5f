using Flax.Tests.Nn;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>core_attention_test.py</c>: per-head parameters stacked by an inner <c>lift.vmap</c>.</summary>
[TestClass]
public sealed class AttentionDesignTests
{
    private static readonly Rngs Keys = new(("params", PrngKey.Create(0)), ("dropout", PrngKey.Create(1)));

    [TestMethod]
    public void Attention()
    {
        var (y, variables) = Core.Init(Examples.Design.Attention.Model)(Keys, NDArray.Ones(DType.Float32, 2, 7, 16));
        CollectionAssert.AreEqual(new[] { 2, 7, 16 }, y.Shape);
        ShapeTree.AssertEqual(variables, ("key/kernel", "(2, 16, 8)"), ("out/bias", "(2, 16)"), ("out/kernel", "(2, 8, 16)"),
            ("query/kernel", "(2, 16, 8)"), ("value/kernel", "(2, 16, 8)"));
        Assert.AreEqual(1_056, ShapeTree.Count(variables));
    }

    /// <summary>Without dropout, the vmapped heads equal a loop over the heads computed on the host from each head's
    /// parameter slice (float64 reference, tolerance 1e-4).</summary>
    [TestMethod]
    public void AttentionEqualsALoopOverHeads()
    {
        static Tensor Model(Scope s, Tensor x) =>
            Examples.Design.Attention.MultiHeadDotProductAttention(s, x, x, numHeads: 2, attnFn: (_, w) => Examples.Design.Attention.SoftmaxAttn(w));
        var x = Prng.Normal(PrngKey.Create(3), [2, 7, 16]);
        var (y, variables) = Core.Init(Model)(PrngKey.Create(0), x);
        var flat = variables.Flatten();
        double[] P(string path) => [.. ((NDArray)flat[$"params/{path}"]).ToArray<float>().Select(v => (double)v)];
        var (wq, wk, wv, wo, bo) = (P("query/kernel"), P("key/kernel"), P("value/kernel"), P("out/kernel"), P("out/bias"));
        var xs = x.ToArray<float>();
        var actual = y.ToArray<float>();
        const int B = 2, L = 7, D = 16, H = 2, F = 8;
        for (int b = 0; b < B; b++)
        {
            var sum = new double[L, D];
            for (int h = 0; h < H; h++)
            {
                double[,] Project(double[] w)
                {
                    var r = new double[L, F];
                    for (int l = 0; l < L; l++)
                        for (int f = 0; f < F; f++)
                            for (int d = 0; d < D; d++) r[l, f] += xs[(b * L + l) * D + d] * w[(h * D + d) * F + f];
                    return r;
                }
                var (q, k, v) = (Project(wq), Project(wk), Project(wv));
                for (int i = 0; i < L; i++)
                {
                    var logits = new double[L];
                    for (int j = 0; j < L; j++)
                        for (int f = 0; f < F; f++) logits[j] += q[i, f] * k[j, f];
                    double max = logits.Max(), norm = logits.Sum(l => Math.Exp(l - max));
                    var attended = new double[F];
                    for (int j = 0; j < L; j++)
                        for (int f = 0; f < F; f++) attended[f] += Math.Exp(logits[j] - max) / norm * v[j, f];
                    for (int d = 0; d < D; d++)
                    {
                        double o = bo[h * D + d];
                        for (int f = 0; f < F; f++) o += attended[f] * wo[(h * F + f) * D + d];
                        sum[i, d] += o / H;
                    }
                }
            }
            for (int i = 0; i < L; i++)
                for (int d = 0; d < D; d++)
                    Assert.IsTrue(Math.Abs(actual[(b * L + i) * D + d] - sum[i, d]) <= 1e-4, $"y[{b}, {i}, {d}] = {actual[(b * L + i) * D + d]}, expected {sum[i, d]}");
        }
    }

    /// <summary>Every head and every batch row draws its own dropout mask (the dropout sequence is split by both vmaps).</summary>
    [TestMethod]
    public void DropoutMasksDifferPerHeadAndRow()
    {
        static Tensor Model(Scope s, Tensor x) => Examples.Design.Attention.MultiHeadDotProductAttention(s, x, x, numHeads: 2,
            attnFn: (scope, w) => Flax.Nn.Dropout(scope, w, rate: 0.5));
        var x = NDArray.Ones(DType.Float32, 2, 3, 4);
        var (_, variables) = Core.Init(Model)(Keys, x);
        // With all-ones inputs the attention weights are uniform, so the output reveals the mask pattern; rows differ.
        var y = Core.Apply(Model)(variables, x, rngs: Keys).ToArray<float>();
        Assert.IsFalse(y.AsSpan(0, 12).SequenceEqual(y.AsSpan(12, 12)), "both batch rows got the same dropout masks");
    }
}
