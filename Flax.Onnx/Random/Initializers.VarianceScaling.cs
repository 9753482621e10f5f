namespace Flax;

public static partial class Initializers
{
    /// <summary>The standard deviation of a standard normal truncated to (-2, 2).</summary>
    private const double TruncatedStddev = .87962566103423978;

    /// <summary>
    /// <c>jax.nn.initializers.variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis)</c>: samples with
    /// variance <c>scale / n</c>, where <c>n</c> is the fan chosen by <paramref name="mode"/> (see JAX's
    /// <c>_compute_fans</c>: every axis outside in, out and batch is receptive field). <c>TruncatedNormal</c> draws from
    /// (-2, 2) and divides by that distribution's standard deviation 0.8796…; <c>Uniform</c> draws from
    /// <c>[-√(3·variance), √(3·variance))</c>. The fans are Python floats; the variance is rounded to the dtype.
    /// </summary>
    /// <param name="scale">The variance scale (1 for LeCun and Glorot, 2 for He).</param>
    /// <param name="mode">The fan to divide by.</param>
    /// <param name="distribution">The distribution to sample.</param>
    /// <param name="inAxis">The input axis or axes (default -2).</param>
    /// <param name="outAxis">The output axis or axes (default -1).</param>
    /// <param name="batchAxis">Axes excluded from the fans (default none).</param>
    /// <returns>
    /// The initializer. Calling it throws <see cref="ArgumentException"/> with JAX's text for a rank below 2 with the default
    /// <paramref name="inAxis"/> (<c>Can't compute input and output sizes of a 1-dimensional weights tensor with default
    /// in_axis. Must be at least 2D or specify in_axis explicitly.</c>), an axis out of range or a zero fan, and whatever
    /// the sampler throws for the dtype.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="mode"/> or <paramref name="distribution"/> is not a defined
    /// value (<c>invalid mode for variance scaling initializer: ...</c>).</exception>
    public static Initializer VarianceScaling(double scale, FanMode mode, VarianceDistribution distribution,
        FanAxes? inAxis = null, FanAxes? outAxis = null, FanAxes? batchAxis = null)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"invalid mode for variance scaling initializer: {mode}", nameof(mode));
        if (!Enum.IsDefined(distribution))
            throw new ArgumentException($"invalid distribution for variance scaling initializer: {distribution}", nameof(distribution));
        FanAxes inAxes = inAxis ?? -2, outAxes = outAxis ?? -1, batchAxes = batchAxis ?? Array.Empty<int>();
        return (key, shape, dtype) =>
        {
            ArgumentNullException.ThrowIfNull(shape);
            var (fanIn, fanOut) = Fans.Compute(shape, inAxes, outAxes, batchAxes);
            double denominator = mode switch
            {
                FanMode.FanIn => fanIn,
                FanMode.FanOut => fanOut,
                FanMode.FanAvg => (fanIn + fanOut) / 2,
                _ => Math.Pow(fanIn * fanOut, 0.5),
            };
            if (denominator == 0)
                throw new ArgumentException($"float division by zero: the weights tensor of shape {Shapes.Format(shape)} has {mode} 0");
            double variance = RoundTo(dtype, scale / denominator);
            return distribution switch
            {
                VarianceDistribution.TruncatedNormal => Prng.TruncatedNormal(key, -2, 2, shape, dtype,
                    RoundTo(dtype, RoundTo(dtype, Math.Sqrt(variance)) / RoundTo(dtype, TruncatedStddev))),
                VarianceDistribution.Normal => Prng.Normal(key, shape, dtype, RoundTo(dtype, Math.Sqrt(variance))),
                _ => Prng.Uniform(key, shape, dtype, -1, 1, RoundTo(dtype, Math.Sqrt(RoundTo(dtype, 3 * variance)))),
            };
        };
    }
}
