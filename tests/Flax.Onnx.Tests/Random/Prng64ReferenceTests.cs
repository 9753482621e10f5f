using System.Globalization;

namespace Flax.Tests.Random;

/// <summary>
/// float64 <c>erf_inv</c>, <c>erf</c> and samples against tests/fixtures/prng/reference64.txt, written by
/// tests/fixtures/make_prng64_reference.py: an exact-fraction Python model of XLA:CPU's float64 algorithm ("model", must
/// match to the bit) and 100-digit decimal values of the functions themselves. "seen" is the exact function XLA
/// approximates at the argument it forms (<c>u·u</c> rounded): Giles' polynomials stay within 4 ulp of it, and XLA's
/// log1p adds up to about 21 ulp where <c>u²</c> nears its branch point √2 − 1 (|u| ≈ 0.6436), hence 24; a sample is
/// √2 times that, which can stay in the same binade and so scale the ulp count by √2 (35 with the rounding). Against the exact <c>erf⁻¹(u)</c> the rounding of <c>u·u</c> dominates near ±1; that error is printed.
/// </summary>
[TestClass]
public sealed class Prng64ReferenceTests
{
    private const long SeenUlps = 24;
    private const long SeenSampleUlps = 35;

    public TestContext TestContext { get; set; } = null!;

    private static IEnumerable<string[]> Lines(string kind) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference64.txt"))
            .Select(line => line.Split(' ')).Where(fields => fields[0] == kind);

    private static double Double(string hex) => BitConverter.UInt64BitsToDouble(Convert.ToUInt64(hex, 16));

    [TestMethod]
    public void ErfInvMatchesTheModelAndTheExactInverse()
    {
        var lines = Lines("erfinv").ToArray();
        Assert.HasCount(326, lines);
        double[] u = [.. lines.Select(f => Double(f[1]))];
        double[] actual = [.. u.Select(XlaMath64.ErfInv)];
        Ulps.AssertWithin(Ulps.Hex64(lines.Select(f => f[2])), actual, 0, "model");
        long seen = Ulps.AssertWithin(Ulps.Hex64(lines.Select(f => f[3])), actual, SeenUlps, "seen");
        long central = 0, all = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            long d = Ulps.Distance(Double(lines[i][4]), actual[i]);
            all = Math.Max(all, d);
            if (Math.Abs(u[i]) < 0.999) central = Math.Max(central, d);
        }
        TestContext.WriteLine($"{lines.Length} points: model 0 ulp, seen {seen} ulp, exact erf_inv(u) {central} ulp for |u| < 0.999 and {all} ulp overall");
    }

    [TestMethod]
    public void ErfIsCorrectlyRounded()
    {
        var lines = Lines("erf").ToArray();
        Assert.HasCount(119, lines);
        double[] actual = [.. lines.Select(f => Erf64.Erf(Double(f[1])))];
        Ulps.AssertWithin(Ulps.Hex64(lines.Select(f => f[2])), actual, 0, "erf");
    }

    [TestMethod]
    public void SamplesMatchTheModel()
    {
        var lines = Lines("normal").Concat(Lines("truncated_normal")).ToArray();
        Assert.HasCount(18, lines);
        long seen = 0;
        foreach (var f in lines)
        {
            var key = new PrngKey(uint.Parse(f[2], CultureInfo.InvariantCulture), uint.Parse(f[3], CultureInfo.InvariantCulture));
            double lower = double.Parse(f[4], CultureInfo.InvariantCulture), upper = double.Parse(f[5], CultureInfo.InvariantCulture);
            ulong[] expected = Ulps.Hex64(f[6..]);
            int[] shape = [expected.Length];
            var actual = f[0] == "normal" ? Prng.Normal(key, shape, DType.Float64) : Prng.TruncatedNormal(key, lower, upper, shape, DType.Float64);
            Assert.AreEqual(DType.Float64, actual.DType);
            string what = $"{f[0]} {f[1]} key {key} ({lower}, {upper})";
            if (f[1] == "model") Ulps.AssertWithin(expected, actual.ToArray<double>(), 0, what);
            else seen = Math.Max(seen, Ulps.AssertWithin(expected, actual.ToArray<double>(), SeenSampleUlps, what));
        }
        TestContext.WriteLine($"samples: model 0 ulp, seen {seen} ulp");
    }
}
