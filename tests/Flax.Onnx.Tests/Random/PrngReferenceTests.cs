using System.Globalization;

namespace Flax.Tests.Random;

/// <summary>
/// Thousands of float32 samples against tests/fixtures/prng/reference.txt, written by an independent Python model of
/// XLA:CPU's samplers (tests/fixtures/make_prng_reference.py: exact-fraction FMA, libm log). Uniform must match exactly,
/// normal and truncated normal within 2 ulp; the largest error is printed.
/// </summary>
[TestClass]
public sealed class PrngReferenceTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void SamplersMatchTheReferenceModel()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference.txt"));
        Assert.HasCount(16, lines);
        long worst = 0;
        int samples = 0;
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            var key = new PrngKey(uint.Parse(fields[1], CultureInfo.InvariantCulture), uint.Parse(fields[2], CultureInfo.InvariantCulture));
            double lower = double.Parse(fields[3], CultureInfo.InvariantCulture), upper = double.Parse(fields[4], CultureInfo.InvariantCulture);
            uint[] expected = Ulps.Hex(string.Join(' ', fields[5..]));
            int[] shape = [expected.Length];
            var (actual, tolerance) = fields[0] switch
            {
                "normal" => (Prng.Normal(key, shape), 2L),
                "truncated_normal" => (Prng.TruncatedNormal(key, lower, upper, shape), 2L),
                "uniform" => (Prng.Uniform(key, shape, DType.Float32, lower, upper), 0L),
                _ => throw new InvalidDataException(fields[0]),
            };
            worst = Math.Max(worst, Ulps.AssertWithin(expected, actual.ToArray<float>(), tolerance));
            samples += expected.Length;
        }
        TestContext.WriteLine($"{samples} samples: largest error {worst} ulp");
    }
}
