namespace Flax.Tests.Random;

/// <summary>
/// <c>jax.nn.initializers</c> (<c>jax/_src/nn/initializers.py</c>) against independently computed known answers (partitionable, float32).
/// </summary>
[TestClass]
public sealed class InitializersTests
{
    private const long NormalUlps = 2;
    private static readonly PrngKey K0 = PrngKey.Create(0);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void GlorotUniformKey0()
    {
        var expected = Ulps.Parse("0.8289182 0.88615775 -0.31053585 -0.05801474 0.12940875 -0.6193681 -0.35145128 0.3508498 0.4569229 -0.6091627 0.89870065 -0.8790058");
        Ulps.AssertWithin(expected, Initializers.GlorotUniform()(K0, [4, 3], DType.Float32).ToArray<float>(), 0);
        Ulps.AssertWithin(expected, Initializers.XavierUniform()(K0, [4, 3], DType.Float32).ToArray<float>(), 0);
    }

    [TestMethod]
    public void NormalVarianceScalingKey0()
    {
        var heNormal = Ulps.Parse("1.1704054 1.3784391 -0.3317383 -0.060317304 0.13505137 -0.73362523 -0.3786004 0.37790245 0.50615925 -0.7176932 1.438902 -1.347181");
        var lecunNormal = Ulps.Parse("0.8276016 0.9747037 -0.23457442 -0.042650778 0.095495746 -0.51875144 -0.26771092 0.26721743 0.3579087 -0.50748575 1.0174575 -0.95260084");
        long worst = Ulps.AssertWithin(heNormal, Initializers.HeNormal()(K0, [4, 3], DType.Float32).ToArray<float>(), NormalUlps);
        worst = Math.Max(worst, Ulps.AssertWithin(heNormal, Initializers.KaimingNormal()(K0, [4, 3], DType.Float32).ToArray<float>(), NormalUlps));
        worst = Math.Max(worst, Ulps.AssertWithin(lecunNormal, Initializers.LecunNormal()(K0, [4, 3], DType.Float32).ToArray<float>(), NormalUlps));
        TestContext.WriteLine($"he_normal / lecun_normal: largest error {worst} ulp");
    }

    /// <summary>§11 step 3: fan_in = 4 gives stddev 0.5684236f (0x3F118436) times truncated_normal(-2, 2).</summary>
    [TestMethod]
    public void LecunNormalIsScaledTruncatedNormal()
    {
        float stddev = BitConverter.UInt32BitsToSingle(0x3F118436);
        var expected = Prng.TruncatedNormal(K0, -2, 2, [4, 5]).ToArray<float>().Select(v => v * stddev).ToArray();
        CollectionAssert.AreEqual(expected, Initializers.LecunNormal()(K0, [4, 5], DType.Float32).ToArray<float>());
    }

    /// <summary><c>uniform(10.0)(key(42), (2, 3))</c> under the partitionable default.</summary>
    [TestMethod]
    public void UniformScaleKey42()
    {
        var expected = Ulps.Parse("4.8870955 6.7979717 6.162715 5.6101608 4.5064459 5.8586588");
        Ulps.AssertWithin(expected, Initializers.Uniform(10.0)(PrngKey.Create(42), [2, 3], DType.Float32).ToArray<float>(), 0);
    }

    [TestMethod]
    public void SimpleInitializersScaleTheSamplers()
    {
        var key = PrngKey.Create(3);
        CollectionAssert.AreEqual(Prng.Normal(key, [6]).ToArray<float>().Select(v => v * 0.01f).ToArray(),
            Initializers.Normal()(key, [6], DType.Float32).ToArray<float>());
        CollectionAssert.AreEqual(Prng.TruncatedNormal(key, -1, 3, [6]).ToArray<float>().Select(v => v * 0.5f).ToArray(),
            Initializers.TruncatedNormal(0.5, -1, 3)(key, [6], DType.Float32).ToArray<float>());
        CollectionAssert.AreEqual(Prng.Uniform(key, [6]).ToArray<float>().Select(v => v * 0.01f).ToArray(),
            Initializers.Uniform()(key, [6], DType.Float32).ToArray<float>());
    }

    [TestMethod]
    public void ConstantInitializersIgnoreTheKey()
    {
        Assert.IsTrue(Initializers.Zeros(K0, [2, 3], DType.Float32).ArrayEquals(NDArray.Zeros(DType.Float32, 2, 3)));
        Assert.IsTrue(Initializers.Ones(PrngKey.Create(9), [4], DType.Int32).ArrayEquals(NDArray.From([1, 1, 1, 1])));
        Assert.IsTrue(Initializers.Constant(2.5)(K0, [2], DType.Float64).ArrayEquals(NDArray.From([2.5, 2.5])));
    }

    [TestMethod]
    [DataRow(new[] { 3, 4 }, 3.0, 4.0)]
    [DataRow(new[] { 3, 3, 2, 8 }, 18.0, 72.0)]
    [DataRow(new[] { 5, 2, 8 }, 10.0, 40.0)]
    [DataRow(new[] { 2, 3, 3, 2, 8 }, 36.0, 144.0)]
    public void ComputeFansDefaultAxes(int[] shape, double fanIn, double fanOut) =>
        Assert.AreEqual((fanIn, fanOut), Fans.Compute(shape, -2, -1, Array.Empty<int>()));

    [TestMethod]
    public void ComputeFansExplicitAxes()
    {
        Assert.AreEqual((8.0, 8.0), Fans.Compute([10, 8], -2, 0, Array.Empty<int>()));             // embedding: receptive 8/10
        Assert.AreEqual((3.0, 4.0), Fans.Compute([7, 3, 4], -2, -1, 0));                         // batch axis excluded
        Assert.AreEqual((6.0, 5.0), Fans.Compute([2, 3, 5], new[] { 0, 1 }, -1, Array.Empty<int>()));
        Assert.AreEqual((1.0, 1.0), Fans.Compute([5], 0, 0, Array.Empty<int>()));                  // rank 1 with explicit axes
    }

    [TestMethod]
    public void FanModesPickTheDenominator()
    {
        // Shape (2, 8): fan_in 2, fan_out 8, avg 5, geometric mean 4. A normal with variance 1/n scales normal(key) by sqrt(1/n).
        var key = PrngKey.Create(11);
        var standard = Prng.Normal(key, [2, 8]).ToArray<float>();
        foreach (var (mode, n) in new[] { (FanMode.FanIn, 2.0), (FanMode.FanOut, 8.0), (FanMode.FanAvg, 5.0), (FanMode.FanGeoAvg, 4.0) })
        {
            float factor = MathF.Sqrt((float)(1.0 / n));
            CollectionAssert.AreEqual(standard.Select(v => v * factor).ToArray(),
                Initializers.VarianceScaling(1.0, mode, VarianceDistribution.Normal)(key, [2, 8], DType.Float32).ToArray<float>(), mode.ToString());
        }
    }

    [TestMethod]
    public void UniformVarianceScalingUsesSymmetricRange()
    {
        var key = PrngKey.Create(12);
        float factor = MathF.Sqrt(3f * (float)(2.0 / 6));
        var expected = Prng.Uniform(key, [6, 5], DType.Float32, -1, 1).ToArray<float>().Select(v => v * factor).ToArray();
        CollectionAssert.AreEqual(expected, Initializers.HeUniform()(key, [6, 5], DType.Float32).ToArray<float>());
        CollectionAssert.AreEqual(expected, Initializers.KaimingUniform()(key, [6, 5], DType.Float32).ToArray<float>());
    }

    [TestMethod]
    public void VarianceScalingRejectsLowRankWithDefaultInAxis()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.LecunNormal()(K0, [5], DType.Float32));
        Assert.AreEqual("Can't compute input and output sizes of a 1-dimensional weights tensor with default in_axis. Must be at least 2D or specify in_axis explicitly.", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.GlorotUniform()(K0, [], DType.Float32));
        Assert.AreEqual("Can't compute input and output sizes of a 0-dimensional weights tensor with default in_axis. Must be at least 2D or specify in_axis explicitly.", e.Message);
    }

    [TestMethod]
    public void VarianceScalingRejectsBadAxesAndEmptyFans()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.LecunNormal(inAxis: 2)(K0, [3, 4], DType.Float32));
        Assert.AreEqual("tuple index out of range: axis 2 of a weights tensor of shape (3, 4)", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.LecunNormal()(K0, [0, 4], DType.Float32));
        Assert.AreEqual("division by zero: the weights tensor of shape (0, 4) has an empty in, out or batch axis", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.LecunNormal()(K0, [0, 3, 4], DType.Float32));
        Assert.AreEqual("float division by zero: the weights tensor of shape (0, 3, 4) has FanIn 0", e.Message);
        Assert.AreEqual("axes", Assert.ThrowsExactly<ArgumentNullException>(() => Initializers.LecunNormal(inAxis: (int[])null!)).ParamName);
    }

    [TestMethod]
    public void VarianceScalingRejectsUndefinedModeAndDistribution()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.VarianceScaling(1, (FanMode)9, VarianceDistribution.Normal));
        Assert.AreEqual("invalid mode for variance scaling initializer: 9 (Parameter 'mode')", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.VarianceScaling(1, FanMode.FanIn, (VarianceDistribution)7));
        Assert.AreEqual("invalid distribution for variance scaling initializer: 7 (Parameter 'distribution')", e.Message);
    }

    [TestMethod]
    public void VarianceScalingPassesSamplerErrorsThrough()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Initializers.HeNormal()(K0, [2, 2], DType.Int32));
        Assert.AreEqual("dtype argument to `truncated_normal` must be a float dtype, got int32 (Parameter 'dtype')", e.Message);
    }

    [TestMethod]
    public void UniformVarianceScalingSupportsOtherFloatDtypes()
    {
        var key = PrngKey.Create(4);
        double factor64 = Math.Sqrt(3 * (1.0 / 3));
        CollectionAssert.AreEqual(Prng.Uniform(key, [3, 2], DType.Float64, -1, 1).ToArray<double>().Select(v => v * factor64).ToArray(),
            Initializers.LecunUniform()(key, [3, 2], DType.Float64).ToArray<double>());
        Assert.AreEqual(DType.BFloat16, Initializers.LecunUniform()(key, [3, 2], DType.BFloat16).DType);
    }

    /// <summary>glorot_normal on (4, 3): fan_avg 3.5, stddev <c>sqrt(float32(1 / 3.5)) / float32(.87962566)</c> times truncated_normal(-2, 2).</summary>
    [TestMethod]
    public void GlorotNormalIsScaledTruncatedNormal()
    {
        float stddev = MathF.Sqrt((float)(1 / 3.5)) / 0.87962566103423978f;
        var expected = Prng.TruncatedNormal(K0, -2, 2, [4, 3]).ToArray<float>().Select(v => v * stddev).ToArray();
        CollectionAssert.AreEqual(expected, Initializers.GlorotNormal()(K0, [4, 3], DType.Float32).ToArray<float>());
        CollectionAssert.AreEqual(expected, Initializers.XavierNormal()(K0, [4, 3], DType.Float32).ToArray<float>());
    }
}
