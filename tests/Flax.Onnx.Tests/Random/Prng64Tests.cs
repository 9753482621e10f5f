namespace Flax.Tests.Random;

/// <summary>
/// float64 normal and truncated normal (JAX with <c>jax_enable_x64</c>): dtype, bounds, the initializers built on them,
/// and the special values of the float64 <c>erf_inv</c> and <c>erf</c>. Values are checked in Prng64ReferenceTests.
/// </summary>
[TestClass]
public sealed class Prng64Tests
{
    private static readonly PrngKey K0 = PrngKey.Create(0, enableX64: true);

    [TestMethod]
    public void TruncatedNormalStaysInsideTheOpenInterval()
    {
        foreach (var (lower, upper) in new[] { (-2.0, 2.0), (-0.3, 0.4), (1.0, 1.0 + 1e-12), (-7.0, -6.5), (-10.0, -9.0) })
        {
            var sample = Prng.TruncatedNormal(K0, lower, upper, [50_000], DType.Float64);
            Assert.AreEqual(DType.Float64, sample.DType);
            foreach (double v in sample.ToArray<double>())
                Assert.IsTrue(v > lower && v < upper, $"{v:R} outside ({lower}, {upper})");
        }
    }

    /// <summary>erf(-10/√2) = erf(-9/√2) = -1 in float64, so every u is -1 and erf_inv gives -inf, which the clip
    /// turns into the smallest float64 above the lower bound.</summary>
    [TestMethod]
    public void TruncatedNormalFarTailClipsToTheLowerBound() =>
        CollectionAssert.AreEqual(new[] { Math.BitIncrement(-10.0), Math.BitIncrement(-10.0) },
            Prng.TruncatedNormal(K0, -10, -9, [2], DType.Float64).ToArray<double>());

    /// <summary>Mean 0 and variance 1 within five standard errors over 200,000 samples.</summary>
    [TestMethod]
    public void NormalHasUnitVariance()
    {
        double[] sample = Prng.Normal(PrngKey.Create(3, enableX64: true), [200_000], DType.Float64).ToArray<double>();
        double mean = sample.Average(), variance = sample.Select(v => (v - mean) * (v - mean)).Average();
        // Written as IsTrue: MSTest's IsLessThan compares with CompareTo, which lets NaN pass.
        Assert.IsTrue(Math.Abs(mean) < 5 / Math.Sqrt(sample.Length), $"mean {mean}");
        Assert.IsTrue(Math.Abs(variance - 1) < 5 * Math.Sqrt(2.0 / sample.Length), $"variance {variance}");
    }

    [TestMethod]
    public void ElementsDependOnlyOnTheFlatIndex()
    {
        double[] longer = Prng.Normal(K0, [1000], DType.Float64).ToArray<double>();
        CollectionAssert.AreEqual(longer[..12], Prng.Normal(K0, [3, 4], DType.Float64).ToArray<double>());
    }

    /// <summary><c>lecun_normal</c> (<c>jax/_src/nn/initializers.py</c>, <c>variance_scaling</c>) in float64: fan_in = 4, <c>stddev = sqrt(0.25) / .87962566103423978</c>, times truncated_normal(-2, 2).</summary>
    [TestMethod]
    public void LecunNormalIsScaledTruncatedNormal()
    {
        double stddev = 0.5 / .87962566103423978;
        var actual = Initializers.LecunNormal()(K0, [4, 5], DType.Float64);
        Assert.AreEqual(DType.Float64, actual.DType);
        CollectionAssert.AreEqual(new[] { 4, 5 }, actual.Shape);
        double[] expected = [.. Prng.TruncatedNormal(K0, -2, 2, [4, 5], DType.Float64).ToArray<double>().Select(v => v * stddev)];
        CollectionAssert.AreEqual(expected, actual.ToArray<double>());
        Assert.IsTrue(expected.All(v => Math.Abs(v) < 2 * stddev));
    }

    [TestMethod]
    public void NormalInitializerScalesInFloat64()
    {
        double[] expected = [.. Prng.Normal(K0, [6], DType.Float64).ToArray<double>().Select(v => v * 0.02)];
        CollectionAssert.AreEqual(expected, Initializers.Normal(0.02)(K0, [6], DType.Float64).ToArray<double>());
    }

    [TestMethod]
    public void ErfInvSpecialValues()
    {
        Assert.AreEqual(double.PositiveInfinity, XlaMath64.ErfInv(1));
        Assert.AreEqual(double.NegativeInfinity, XlaMath64.ErfInv(-1));
        Assert.AreEqual(0.0, XlaMath64.ErfInv(0));
        Assert.IsTrue(double.IsNaN(XlaMath64.ErfInv(double.NaN)));
        Assert.IsTrue(double.IsNaN(XlaMath64.ErfInv(1.5)));
    }

    [TestMethod]
    public void ErfSpecialValues()
    {
        Assert.AreEqual(1.0, Erf64.Erf(double.PositiveInfinity));
        Assert.AreEqual(-1.0, Erf64.Erf(double.NegativeInfinity));
        Assert.AreEqual(1.0, Erf64.Erf(6));
        Assert.IsTrue(double.IsNegative(Erf64.Erf(-0.0)));
        Assert.IsTrue(double.IsNaN(Erf64.Erf(double.NaN)));
    }
}
