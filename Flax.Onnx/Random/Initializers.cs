namespace Flax;

/// <summary>
/// <c>jax.nn.initializers</c> (re-exported by <c>flax.linen.initializers</c>): functions that build an
/// <see cref="Initializer"/>. Each result equals JAX's for the same key, shape and dtype (float32 bit for bit; see
/// <see cref="Prng"/>). Constant arguments are rounded to the requested dtype before use, as <c>jnp.array(c, dtype)</c> does.
/// </summary>
public static partial class Initializers
{
    /// <summary><c>jax.nn.initializers.zeros</c> (Flax's <c>zeros_init()</c>): an array of zeros; the key is ignored.</summary>
    public static Initializer Zeros { get; } = (_, shape, dtype) => NDArray.Zeros(dtype, shape);

    /// <summary><c>jax.nn.initializers.ones</c> (Flax's <c>ones_init()</c>): an array of ones; the key is ignored.</summary>
    public static Initializer Ones { get; } = (_, shape, dtype) => NDArray.Ones(dtype, shape);

    /// <summary><c>jax.nn.initializers.constant(value)</c>: <c>jnp.full(shape, value, dtype)</c>; the key is ignored.</summary>
    /// <param name="value">The fill value, converted to the dtype.</param>
    /// <returns>The initializer.</returns>
    public static Initializer Constant(double value) => (_, shape, dtype) => NDArray.Full(dtype, value, shape);

    /// <summary><c>jax.nn.initializers.normal(stddev)</c>: <c>random.normal(key, shape, dtype) * stddev</c>.</summary>
    /// <param name="stddev">The standard deviation.</param>
    /// <returns>The initializer; it throws what <see cref="Prng.Normal(PrngKey, int[], DType)"/> throws.</returns>
    public static Initializer Normal(double stddev = 1e-2) =>
        (key, shape, dtype) => Prng.Normal(key, shape, dtype, RoundTo(dtype, stddev));

    /// <summary><c>jax.nn.initializers.uniform(scale)</c>: <c>random.uniform(key, shape, dtype) * scale</c>, in [0, scale).</summary>
    /// <param name="scale">The upper bound.</param>
    /// <returns>The initializer; it throws what <see cref="Prng.Uniform(PrngKey, int[], DType, double, double)"/> throws.</returns>
    public static Initializer Uniform(double scale = 1e-2) =>
        (key, shape, dtype) => Prng.Uniform(key, shape, dtype, 0, 1, RoundTo(dtype, scale));

    /// <summary>
    /// <c>jax.nn.initializers.truncated_normal(stddev, lower, upper)</c>:
    /// <c>random.truncated_normal(key, lower, upper, shape, dtype) * stddev</c>. Unlike the variance-scaling initializers
    /// it does not correct the standard deviation for the truncation.
    /// </summary>
    /// <param name="stddev">The standard deviation of the untruncated normal.</param>
    /// <param name="lower">The lower bound in standard deviations.</param>
    /// <param name="upper">The upper bound in standard deviations.</param>
    /// <returns>The initializer; it throws what <see cref="Prng.TruncatedNormal(PrngKey, double, double, int[], DType)"/> throws.</returns>
    public static Initializer TruncatedNormal(double stddev = 1e-2, double lower = -2.0, double upper = 2.0) =>
        (key, shape, dtype) => Prng.TruncatedNormal(key, lower, upper, shape, dtype, RoundTo(dtype, stddev));

    /// <summary><c>jax.nn.initializers.lecun_normal()</c> (Flax's default Dense and Conv kernel initializer):
    /// <c>VarianceScaling(1, FanIn, TruncatedNormal)</c>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer LecunNormal(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        VarianceScaling(1.0, FanMode.FanIn, VarianceDistribution.TruncatedNormal, inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.lecun_uniform()</c>: <c>VarianceScaling(1, FanIn, Uniform)</c>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer LecunUniform(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        VarianceScaling(1.0, FanMode.FanIn, VarianceDistribution.Uniform, inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.glorot_normal()</c>: <c>VarianceScaling(1, FanAvg, TruncatedNormal)</c>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer GlorotNormal(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        VarianceScaling(1.0, FanMode.FanAvg, VarianceDistribution.TruncatedNormal, inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.glorot_uniform()</c>: <c>VarianceScaling(1, FanAvg, Uniform)</c>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer GlorotUniform(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        VarianceScaling(1.0, FanMode.FanAvg, VarianceDistribution.Uniform, inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.he_normal()</c>: <c>VarianceScaling(2, FanIn, TruncatedNormal)</c>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer HeNormal(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        VarianceScaling(2.0, FanMode.FanIn, VarianceDistribution.TruncatedNormal, inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.he_uniform()</c>: <c>VarianceScaling(2, FanIn, Uniform)</c>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer HeUniform(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        VarianceScaling(2.0, FanMode.FanIn, VarianceDistribution.Uniform, inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.xavier_normal()</c>, the same as <see cref="GlorotNormal"/>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer XavierNormal(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        GlorotNormal(inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.xavier_uniform()</c>, the same as <see cref="GlorotUniform"/>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer XavierUniform(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        GlorotUniform(inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.kaiming_normal()</c>, the same as <see cref="HeNormal"/>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer KaimingNormal(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        HeNormal(inAxis, outAxis, batchAxis);

    /// <summary><c>jax.nn.initializers.kaiming_uniform()</c>, the same as <see cref="HeUniform"/>.</summary>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>The initializer.</returns>
    public static Initializer KaimingUniform(FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null) =>
        HeUniform(inAxis, outAxis, batchAxis);

    /// <summary>Rounds a Python float to <paramref name="dtype"/> (<c>jnp.array(value, dtype)</c>), kept as a double.</summary>
    private static double RoundTo(DType dtype, double value) => dtype switch
    {
        DType.Float32 => (float)value,
        DType.Float16 => (double)(Half)value,
        DType.BFloat16 => (float)(BFloat16)(float)value,
        _ => value,
    };
}
