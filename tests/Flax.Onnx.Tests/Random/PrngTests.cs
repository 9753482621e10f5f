namespace Flax.Tests.Random;

/// <summary>
/// The samplers against the partitionable known answers of the doctests in <c>jax/_src/random.py</c> and of an independent
/// reference emulator. Bits and uniform must match exactly; normal and truncated normal within 2 ulp.
/// </summary>
[TestClass]
public sealed class PrngTests
{
    private const long NormalUlps = 2;
    private static readonly PrngKey K0 = PrngKey.Create(0);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Bits32()
    {
        uint[] expected = Ulps.Hex("F29A4FA7 FA843692 55110E28 77FAA835 91E43BB7 2A5E6943 4F68EA7D B081CCFE");
        CollectionAssert.AreEqual(expected, Prng.Bits(K0, [8]).ToArray<uint>());
        CollectionAssert.AreEqual(expected[..5], Prng.Bits(K0, [5]).ToArray<uint>());
        Assert.AreEqual(0xF29A4FA7u, Prng.Bits(K0, []).Item<uint>());
        Assert.AreEqual(DType.UInt32, Prng.Bits(K0, [2, 3]).DType);
        CollectionAssert.AreEqual(new[] { 2, 3 }, Prng.Bits(K0, [2, 3]).Shape);
    }

    [TestMethod]
    public void NarrowAndWideBits()
    {
        CollectionAssert.AreEqual(new byte[] { 167, 146, 40, 53, 183 }, Prng.Bits(K0, [5], 8).ToArray<byte>());
        CollectionAssert.AreEqual(new ushort[] { 20391, 13970, 3624, 43061, 15287 }, Prng.Bits(K0, [5], 16).ToArray<ushort>());
        CollectionAssert.AreEqual(new[] { 0x6B20015999BA4EFEUL, 0x375F238FCDDB151DUL, 0xF71F4EA9A20E4081UL }, Prng.Bits(K0, [3], 64).ToArray<ulong>());
    }

    [TestMethod]
    public void BitsRejectsOtherWidths()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Prng.Bits(K0, [3], 12));
        Assert.AreEqual("requires 8-, 16-, 32- or 64-bit field width, got 12. (Parameter 'bitWidth')", e.Message);
    }

    [TestMethod]
    public void UniformKey0()
    {
        var expected = Ulps.Parse("0.947667 0.9785799 0.33229148 0.46866846 0.5698887 0.16550303 0.3101946 0.68948054");
        Ulps.AssertWithin(expected, Prng.Uniform(K0, [8]).ToArray<float>(), 0);
        Assert.AreEqual(0.947667f, Prng.Uniform(K0, []).Item<float>());
        var symmetric = Ulps.Parse("0.895334 0.95715976 -0.33541703 -0.06266308 0.13977742 -0.66899395 -0.37961078 0.3789611");
        Ulps.AssertWithin(symmetric, Prng.Uniform(K0, [8], DType.Float32, -1, 1).ToArray<float>(), 0);
    }

    /// <summary>The jax/random.py and stateful_rng doctests (§9.4).</summary>
    [TestMethod]
    public void UniformDoctests()
    {
        Assert.AreEqual(0.0072938204f, Prng.Uniform(K0.Split()[1], []).Item<float>());
        var rng = PrngKey.Create(123).FoldIn(0).Split(3);
        CollectionAssert.AreEqual(new[] { 0.35525954f, 0.21937883f, 0.5336956f }, rng.Select(k => Prng.Uniform(k.FoldIn(0), []).Item<float>()).ToArray());
    }

    /// <summary>lax_numpy.py / ufuncs.py doctests, printed with 2 decimals (§9.4).</summary>
    [TestMethod]
    [DataRow(42, -10.0, 10.0, new[] { -0.23, 3.6, 2.33, 1.22, -0.99, 1.72, -8.5, 5.5, 3.98 })]
    [DataRow(42, -5.0, 5.0, new[] { -0.11, 1.8, 1.16, 0.61, -0.49, 0.86, -4.25, 2.75, 1.99 })]
    [DataRow(1, -5.0, 5.0, new[] { -0.61, 0.34, -0.54, -0.62, 3.97, 0.59, 4.84, 3.42, -1.14 })]
    public void UniformRangeDoctests(int seed, double minval, double maxval, double[] printed)
    {
        var values = Prng.Uniform(PrngKey.Create(seed), [3, 3], DType.Float32, minval, maxval).ToArray<float>();
        CollectionAssert.AreEqual(printed, values.Select(v => Math.Round((double)v, 2)).ToArray());
    }

    [TestMethod]
    public void NormalKey0()
    {
        long worst = Ulps.AssertWithin(Ulps.Hex("3FCFB2BD 40019DF0 BEDE0017 BDA10222 3E34512C BF78DAD7 BEFD97CC 3EFD1F31"), Prng.Normal(K0, [8]).ToArray<float>(), NormalUlps);
        worst = Math.Max(worst, Ulps.AssertWithin(Ulps.Parse("1.6226422"), [Prng.Normal(K0, []).Item<float>()], NormalUlps));
        worst = Math.Max(worst, Ulps.AssertWithin(
            Ulps.Parse("-0.028304616 0.46713185 0.29570296 0.15354592 -0.12403282"), Prng.Normal(PrngKey.Create(42), [5]).ToArray<float>(), NormalUlps));
        worst = Math.Max(worst, Ulps.AssertWithin(
            Ulps.Parse("-0.6472411 0.3156411 -0.74910474 -1.1673621 -0.011699034"), Prng.Normal(PrngKey.Create(1701), [5]).ToArray<float>(), NormalUlps));
        TestContext.WriteLine($"normal: largest error {worst} ulp");
    }

    [TestMethod]
    public void TruncatedNormalKey0()
    {
        var expected = Ulps.Hex("3FBA5CDF 3FDB7CE3 BED34A2F BD99AB21 3E2C0875 BF69A114 BEF12315 3EF0B149");
        long worst = Ulps.AssertWithin(expected, Prng.TruncatedNormal(K0, -2, 2, [8]).ToArray<float>(), NormalUlps);
        TestContext.WriteLine($"truncated_normal: largest error {worst} ulp");
    }

    [TestMethod]
    public void TruncatedNormalStaysInsideTheBounds()
    {
        var values = Prng.TruncatedNormal(PrngKey.Create(5), 0.5, 0.6, [4096]).ToArray<float>();
        Assert.IsTrue(values.All(v => v > 0.5f && v < 0.6f));
    }

    /// <summary>The bounds of <c>truncated_normal</c> (<c>jax/_src/random.py</c>): erf(∓2/√2) is ∓0.9544997f (0xBF745A18) in every erf XLA may use.</summary>
    [TestMethod]
    public void ErfOfDefaultTruncationBound()
    {
        Assert.AreEqual(0xBF745A18u, BitConverter.SingleToUInt32Bits(XlaMath.Erf(-2f / XlaMath.Sqrt2)));
        Assert.AreEqual(0x3FF45A18u, BitConverter.SingleToUInt32Bits(XlaMath.Erf(2f / XlaMath.Sqrt2) - XlaMath.Erf(-2f / XlaMath.Sqrt2)));
        Assert.AreEqual(-1f, XlaMath.Erf(-4f));
    }

    [TestMethod]
    public void Bernoulli()
    {
        var uniform = Prng.Uniform(K0, [8]).ToArray<float>();
        var mask = Prng.Bernoulli(K0, 0.5, [8]);
        Assert.AreEqual(DType.Bool, mask.DType);
        CollectionAssert.AreEqual(uniform.Select(u => u < 0.5f).ToArray(), mask.ToArray<bool>());
    }

    [TestMethod]
    public void UniformOtherFloatDtypes()
    {
        var bits64 = Prng.Bits(K0, [3], 64).ToArray<ulong>();
        var expected64 = bits64.Select(b => BitConverter.UInt64BitsToDouble((b >> 12) | 0x3FF0000000000000UL) - 1.0).ToArray();
        CollectionAssert.AreEqual(expected64, Prng.Uniform(K0, [3], DType.Float64).ToArray<double>());

        var bits16 = Prng.Bits(K0, [5], 16).ToArray<ushort>();
        var expected16 = bits16.Select(b => (Half)((float)BitConverter.UInt16BitsToHalf((ushort)((b >> 6) | 0x3C00)) - 1f)).ToArray();
        CollectionAssert.AreEqual(expected16, Prng.Uniform(K0, [5], DType.Float16).ToArray<Half>());

        var bits8 = Prng.Bits(K0, [5], 8).ToArray<byte>();
        var expectedBf16 = bits8.Select(b => (BFloat16)((float)new BFloat16((ushort)((b >> 1) | 0x3F80)) - 1f)).ToArray();
        CollectionAssert.AreEqual(expectedBf16, Prng.Uniform(K0, [5], DType.BFloat16).ToArray<BFloat16>());
    }

    [TestMethod]
    public void SamplersRejectNonFloatDtypes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Prng.Uniform(K0, [2], DType.Int32));
        Assert.AreEqual("dtype argument to `uniform` must be a float dtype, got int32 (Parameter 'dtype')", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Prng.Normal(K0, [2], DType.UInt8));
        Assert.AreEqual("dtype argument to `normal` must be a float or complex dtype, got uint8 (Parameter 'dtype')", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Prng.TruncatedNormal(K0, -2, 2, [2], DType.Bool));
        Assert.AreEqual("dtype argument to `truncated_normal` must be a float dtype, got bool (Parameter 'dtype')", e.Message);
    }

    [TestMethod]
    public void NormalRejectsUnportedFloatDtypes()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Prng.Normal(K0, [2], DType.Float16));
        Assert.AreEqual("jax.random.normal is ported for float32 and float64 only, got float16: XLA computes erf_inv for other dtypes in ways this port does not reproduce bit for bit.", e.Message);
        e = Assert.ThrowsExactly<NotSupportedException>(() => Prng.TruncatedNormal(K0, -2, 2, [2], DType.BFloat16));
        Assert.AreEqual("jax.random.truncated_normal is ported for float32 and float64 only, got bfloat16: XLA computes erf_inv for other dtypes in ways this port does not reproduce bit for bit.", e.Message);
        e = Assert.ThrowsExactly<NotSupportedException>(() => Initializers.LecunNormal()(K0, [2, 3], DType.Float16));
        Assert.AreEqual("jax.random.truncated_normal is ported for float32 and float64 only, got float16: XLA computes erf_inv for other dtypes in ways this port does not reproduce bit for bit.", e.Message);
    }

    [TestMethod]
    public void SamplersRejectBadShapes()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => Prng.Uniform(K0, null!));
        var e = Assert.ThrowsExactly<ArgumentException>(() => Prng.Normal(K0, [2, -1]));
        Assert.AreEqual("negative dimensions are not allowed: axis 1 has size -1.", e.Message);
    }

    [TestMethod]
    public void EmptyShapes() => Assert.AreEqual(0L, Prng.Normal(K0, [0, 4]).Size);
}
