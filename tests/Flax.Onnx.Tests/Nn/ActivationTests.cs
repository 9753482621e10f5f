using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class ActivationTests
{
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double Softplus(double v) => Math.Log(1 + Math.Exp(v));

    /// <summary>erf by its series of positive terms, exp(-v²)·Σ v(2v²)ⁿ/(1·3·…·(2n+1)) (A&amp;S 7.1.6), which does
    /// not cancel; beyond |v| = 6 erf is ±1 in double.</summary>
    private static double Erf(double v)
    {
        if (Math.Abs(v) >= 6) return Math.Sign(v);
        double term = v, sum = v;
        for (int n = 1; n < 400; n++) sum += term *= 2 * v * v / (2 * n + 1);
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-v * v) * sum;
    }

    public static IEnumerable<object[]> Elementwise =>
    [
        ["Relu", (Func<double, double>)(v => Math.Max(v, 0))],
        ["GeluTanh", (Func<double, double>)(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))))],
        ["GeluExact", (Func<double, double>)(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))))],
        ["Silu", (Func<double, double>)(v => v * Sigmoid(v))],
        ["Swish", (Func<double, double>)(v => v * Sigmoid(v))],
        ["Sigmoid", (Func<double, double>)Sigmoid],
        ["Tanh", (Func<double, double>)Math.Tanh],
        ["Elu", (Func<double, double>)(v => v > 0 ? v : 1.5 * (Math.Exp(v) - 1))],
        ["Celu", (Func<double, double>)(v => Math.Max(v, 0) + 0.7 * (Math.Exp(Math.Min(v, 0) / 0.7) - 1))],
        ["LeakyRelu", (Func<double, double>)(v => v >= 0 ? v : 0.2 * v)],
        ["Softplus", (Func<double, double>)Softplus],
        ["SoftSign", (Func<double, double>)(v => v / (Math.Abs(v) + 1))],
        ["LogSigmoid", (Func<double, double>)(v => -Softplus(-v))],
    ];

    private static Tensor Apply(string name, Tensor x) => name switch
    {
        "Relu" => Flax.Nn.Relu(x),
        "GeluTanh" => Flax.Nn.Gelu(x),
        "GeluExact" => Flax.Nn.Gelu(x, approximate: false),
        "Silu" => Flax.Nn.Silu(x),
        "Swish" => Flax.Nn.Swish(x),
        "Sigmoid" => Flax.Nn.Sigmoid(x),
        "Tanh" => Flax.Nn.Tanh(x),
        "Elu" => Flax.Nn.Elu(x, alpha: 1.5),
        "Celu" => Flax.Nn.Celu(x, alpha: 0.7),
        "LeakyRelu" => Flax.Nn.LeakyRelu(x, negativeSlope: 0.2),
        "Softplus" => Flax.Nn.Softplus(x),
        "SoftSign" => Flax.Nn.SoftSign(x),
        "LogSigmoid" => Flax.Nn.LogSigmoid(x),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [TestMethod]
    [DynamicData(nameof(Elementwise))]
    public void ActivationMatchesItsFormula(string name, Func<double, double> formula)
    {
        var x = NDArray.From(TestData.Normal(31, 3, 7).ToArray<float>().Select(v => v * 3).ToArray(), 3, 7);
        var (y, _) = Evaluated.Init((_, xs) => Apply(name, xs[0]), PrngKey.Create(0), x);
        var expected = NDArray.From(x.ToArray<float>().Select(v => (float)formula(v)).ToArray(), x.Shape);
        TestData.AssertClose(expected, y, 1e-6, 1e-5);
    }

    [TestMethod]
    public void SoftmaxAndLogSoftmaxNormaliseJointlyOverTheAxes()
    {
        var x = TestData.Normal(32, 2, 3, 4);
        var (y, _) = Evaluated.Init((_, xs) => Tensor.Concat([Flax.Nn.Softmax(xs[0], [1, 2]), Flax.Nn.LogSoftmax(xs[0], [1, 2]),
            Flax.Nn.Softmax(xs[0]), Flax.Nn.LogSoftmax(xs[0])], 0), PrngKey.Create(0), x);
        var v = x.ToArray<float>();
        var expected = new List<float>();
        foreach (var groupSize in new[] { 12, 4 })
        {
            var soft = new float[24];
            var logSoft = new float[24];
            for (int g = 0; g < 24 / groupSize; g++)
            {
                var slice = v[(g * groupSize)..((g + 1) * groupSize)].Select(f => (double)f).ToArray();
                double lse = Math.Log(slice.Sum(Math.Exp));
                for (int i = 0; i < groupSize; i++)
                {
                    soft[g * groupSize + i] = (float)Math.Exp(slice[i] - lse);
                    logSoft[g * groupSize + i] = (float)(slice[i] - lse);
                }
            }
            expected.AddRange(soft);
            expected.AddRange(logSoft);
        }
        TestData.AssertClose(NDArray.From([.. expected], 8, 3, 4), y, 1e-6, 1e-5);
    }

    [TestMethod]
    public void GluGatesTheFirstHalfWithTheSecond()
    {
        var x = TestData.Normal(33, 2, 6);
        var (y, _) = Evaluated.Init((_, xs) => Flax.Nn.Glu(xs[0]), PrngKey.Create(0), x);
        var v = x.ToArray<float>();
        var expected = Enumerable.Range(0, 6).Select(i => (float)(v[(i / 3) * 6 + i % 3] * Sigmoid(v[(i / 3) * 6 + i % 3 + 3]))).ToArray();
        TestData.AssertClose(NDArray.From(expected, 2, 3), y, 1e-6, 1e-5);
    }

    [TestMethod]
    public void GluRejectsAnOddAxis()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((_, xs) => Flax.Nn.Glu(xs[0]), PrngKey.Create(0), TestData.Normal(1, 2, 5)));
        Assert.AreEqual("axis size must be divisible by 2 (Parameter 'x')", e.Message);
    }
}
