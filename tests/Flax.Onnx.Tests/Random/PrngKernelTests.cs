using System.Runtime.Intrinsics;

namespace Flax.Tests.Random;

/// <summary>
/// The vector paths (512-, 256- and 128-bit) against the scalar path, and the result against the thread count: all must be
/// bit-identical, for random keys and lengths around the vector widths and the block size.
/// </summary>
[TestClass]
public sealed class PrngKernelTests
{
    private static readonly int[] Lengths = [1, 7, 8, 9, 15, 16, 17, 1023, BlockRunner.BlockSize + 5];

    private static readonly (string Name, Func<PrngKey, int[], NDArray> Sample)[] Samplers =
    [
        ("bits8", (k, s) => Prng.Bits(k, s, 8)),
        ("bits16", (k, s) => Prng.Bits(k, s, 16)),
        ("bits32", (k, s) => Prng.Bits(k, s)),
        ("bits64", (k, s) => Prng.Bits(k, s, 64)),
        ("uniform", (k, s) => Prng.Uniform(k, s, DType.Float32, -3.5, 7.25)),
        ("uniform64", (k, s) => Prng.Uniform(k, s, DType.Float64, -3.5, 7.25)),
        ("uniform16", (k, s) => Prng.Uniform(k, s, DType.Float16)),
        ("normal", (k, s) => Prng.Normal(k, s)),
        ("truncated_normal", (k, s) => Prng.TruncatedNormal(k, -2, 2, s)),
        ("truncated_normal_wide", (k, s) => Prng.TruncatedNormal(k, -7, 0.5, s)),
        ("normal64", (k, s) => Prng.Normal(k, s, DType.Float64)),
        ("truncated_normal64", (k, s) => Prng.TruncatedNormal(k, -1.5, 0.25, s, DType.Float64)),
        ("lecun_normal", (k, s) => Initializers.LecunNormal()(k, [s[0], 1], DType.Float32)),
    ];

    private static IEnumerable<int> VectorWidths()
    {
        if (Vector128.IsHardwareAccelerated) yield return 128;
        if (Vector256.IsHardwareAccelerated) yield return 256;
        if (Vector512.IsHardwareAccelerated) yield return 512;
    }

    private static NDArray With(int vectorBits, int threads, Func<NDArray> sample)
    {
        using (PrngSettings.Use(new PrngSettings(vectorBits, threads))) return sample();
    }

    [TestMethod]
    public void VectorizedEqualsScalar()
    {
        var random = new System.Random(1234);
        foreach (var (name, sample) in Samplers)
            foreach (int length in Lengths)
            {
                var key = new PrngKey((uint)random.NextInt64(0, 1L << 32), (uint)random.NextInt64(0, 1L << 32));
                var scalar = With(0, 1, () => sample(key, [length]));
                foreach (int bits in VectorWidths())
                    CollectionAssert.AreEqual(scalar.Bytes.ToArray(), With(bits, 1, () => sample(key, [length])).Bytes.ToArray(),
                        $"{name}, length {length}, {bits}-bit vectors, key {key}");
            }
    }

    [TestMethod]
    public void ThreadCountDoesNotChangeResults()
    {
        var key = PrngKey.Create(99);
        int length = 3 * BlockRunner.BlockSize + 123;
        foreach (var (name, sample) in Samplers)
        {
            var single = With(PrngSettings.Default.VectorBits, 1, () => sample(key, [length]));
            foreach (int threads in new[] { 2, 3, 8 })
                CollectionAssert.AreEqual(single.Bytes.ToArray(), With(PrngSettings.Default.VectorBits, threads, () => sample(key, [length])).Bytes.ToArray(),
                    $"{name} with {threads} threads");
        }
    }

    [TestMethod]
    public void ElementsDependOnlyOnTheFlatIndex()
    {
        var key = PrngKey.Create(7);
        var longer = Prng.Normal(key, [1000]).ToArray<float>();
        CollectionAssert.AreEqual(longer[..37], Prng.Normal(key, [37]).ToArray<float>());
        CollectionAssert.AreEqual(longer[..12], Prng.Normal(key, [3, 4]).ToArray<float>());
    }

    /// <summary>The float64 logarithm series behind log1p's large branch rounds like <c>(float)Math.Log</c>.</summary>
    [TestMethod]
    public void LogMatchesMathLog()
    {
        var random = new System.Random(5);
        for (int i = 0; i < 200_000; i++)
        {
            float y = i < 100 ? MathF.ScaleB(1f, -i % 30) : (float)random.NextDouble() + float.Epsilon;
            Assert.AreEqual((float)Math.Log(y), XlaMath.Log<Lane1, uint, float, double>(y), $"log({y:R})");
        }
    }

    [TestMethod]
    public void SettingsRejectUnknownWidths()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PrngSettings.Use(new PrngSettings(64, 1)));
        Assert.AreEqual("The vector width must be 0, 128, 256 or 512 bits. (Parameter 'settings')\nActual value was 64.", e.Message);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PrngSettings.Use(new PrngSettings(0, 0)));
        Assert.AreEqual("settings.Threads ('0') must be greater than or equal to '1'. (Parameter 'settings.Threads')\nActual value was 0.", e.Message);
    }
}
