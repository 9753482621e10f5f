namespace Flax;

/// <summary>
/// Learning-rate schedules with optax's definitions (<c>optax.schedules</c>): each maps the step count (0 for the
/// first update) to a value. See <see cref="Schedule"/> for how they run inside a training step.
/// </summary>
public static class Schedules
{
    /// <summary><paramref name="value"/> at every step (optax's <c>constant_schedule</c>; unlike a plain number, it keeps
    /// a step counter in the optimizer state).</summary>
    /// <param name="value">The value.</param>
    public static Schedule Constant(double value) => Schedule.Of(_ => value, 0);

    /// <summary>
    /// optax's <c>polynomial_schedule</c>: <paramref name="initValue"/> until <paramref name="transitionBegin"/>, then
    /// <c>(init - end) * (1 - (t - begin) / steps) ** power + end</c> for <paramref name="transitionSteps"/> steps, then
    /// <paramref name="endValue"/>. A non-positive <paramref name="transitionSteps"/> holds <paramref name="initValue"/>;
    /// a negative <paramref name="transitionBegin"/> counts as 0.
    /// </summary>
    /// <param name="initValue">The value before and at the start of the transition.</param>
    /// <param name="endValue">The value after it.</param>
    /// <param name="power">The polynomial's power.</param>
    /// <param name="transitionSteps">The transition's length in steps.</param>
    /// <param name="transitionBegin">The step at which it starts.</param>
    public static Schedule Polynomial(double initValue, double endValue, double power, int transitionSteps, int transitionBegin = 0)
    {
        if (transitionSteps <= 0) return Schedule.Of(_ => initValue, 0);
        long begin = Math.Max(0, transitionBegin);
        return Schedule.Of(count =>
        {
            double t = Math.Clamp(count - begin, 0, transitionSteps);
            return (initValue - endValue) * Math.Pow(1 - t / transitionSteps, power) + endValue;
        }, begin + transitionSteps);
    }

    /// <summary>optax's <c>linear_schedule</c>: <see cref="Polynomial"/> with power 1.</summary>
    /// <param name="initValue">The value before and at the start of the transition.</param>
    /// <param name="endValue">The value after it.</param>
    /// <param name="transitionSteps">The transition's length in steps.</param>
    /// <param name="transitionBegin">The step at which it starts.</param>
    public static Schedule Linear(double initValue, double endValue, int transitionSteps, int transitionBegin = 0) =>
        Polynomial(initValue, endValue, 1, transitionSteps, transitionBegin);

    /// <summary>
    /// optax's <c>cosine_decay_schedule</c>: <c>init * ((1 - alpha) * (0.5 * (1 + cos(pi * t / T))) ** exponent + alpha)</c>
    /// with <c>t = min(count, T)</c> and <c>T = decaySteps</c>.
    /// </summary>
    /// <param name="initValue">The value at step 0.</param>
    /// <param name="decaySteps">The decay's length T.</param>
    /// <param name="alpha">The final value as a fraction of <paramref name="initValue"/>.</param>
    /// <param name="exponent">The power applied to the cosine factor.</param>
    /// <exception cref="ArgumentException"><paramref name="decaySteps"/> is not positive.</exception>
    public static Schedule CosineDecay(double initValue, int decaySteps, double alpha = 0, double exponent = 1)
    {
        if (decaySteps <= 0)
            throw new ArgumentException($"The cosine_decay_schedule requires positive decay_steps, got decay_steps={decaySteps}.", nameof(decaySteps));
        return Schedule.Of(count =>
        {
            double t = Math.Min(count, decaySteps);
            double cosine = 0.5 * (1 + Math.Cos(Math.PI * t / decaySteps));
            return initValue * ((1 - alpha) * Math.Pow(cosine, exponent) + alpha);
        }, decaySteps);
    }

    /// <summary>
    /// optax's <c>join_schedules</c>: <paramref name="schedules"/>[0] until the first boundary, then each next schedule
    /// counted from its boundary (<c>schedule_i(count - boundary_i)</c>).
    /// </summary>
    /// <param name="schedules">The schedules, one more than the boundaries.</param>
    /// <param name="boundaries">The steps at which the next schedule takes over, increasing.</param>
    /// <exception cref="ArgumentException">The counts do not fit.</exception>
    public static Schedule Join(IReadOnlyList<Schedule> schedules, IReadOnlyList<int> boundaries)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(boundaries);
        if (schedules.Count != boundaries.Count + 1)
            throw new ArgumentException($"join_schedules needs one more schedule than boundaries, got {schedules.Count} schedule(s) and {boundaries.Count} boundary(ies).", nameof(boundaries));
        long horizon = schedules[0].Horizon;
        for (int i = 0; i < boundaries.Count; i++) horizon = Math.Max(horizon, boundaries[i] + schedules[i + 1].Horizon);
        return Schedule.Of(count =>
        {
            double value = schedules[0].At(count);
            for (int i = 0; i < boundaries.Count; i++)
                if (count >= boundaries[i]) value = schedules[i + 1].At(count - boundaries[i]);
            return value;
        }, horizon);
    }

    /// <summary>
    /// optax's <c>warmup_cosine_decay_schedule</c>: a linear warmup from <paramref name="initValue"/> to
    /// <paramref name="peakValue"/> over <paramref name="warmupSteps"/>, then a cosine decay to
    /// <paramref name="endValue"/> over the remaining <c>decaySteps - warmupSteps</c> (<paramref name="decaySteps"/>
    /// includes the warmup).
    /// </summary>
    /// <param name="initValue">The value at step 0.</param>
    /// <param name="peakValue">The value at the end of the warmup.</param>
    /// <param name="warmupSteps">The warmup's length.</param>
    /// <param name="decaySteps">The total length, warmup included.</param>
    /// <param name="endValue">The final value.</param>
    /// <param name="exponent">The power applied to the cosine factor.</param>
    /// <exception cref="ArgumentException"><paramref name="decaySteps"/> is not above <paramref name="warmupSteps"/>.</exception>
    public static Schedule WarmupCosineDecay(double initValue, double peakValue, int warmupSteps, int decaySteps,
        double endValue = 0, double exponent = 1)
    {
        double alpha = peakValue == 0 ? 0 : endValue / peakValue;
        return Join([Linear(initValue, peakValue, warmupSteps), CosineDecay(peakValue, decaySteps - warmupSteps, alpha, exponent)], [warmupSteps]);
    }
}
