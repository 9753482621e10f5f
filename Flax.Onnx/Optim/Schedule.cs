namespace Flax;

/// <summary>
/// A learning rate (or any hyperparameter) as a function of the optimizer's step count: optax's
/// <c>ScalarOrSchedule</c>. A number converts implicitly into a fixed <em>scalar</em>, which optimizers apply without a
/// step counter (optax's <c>scale</c>); the factories of <see cref="Schedules"/> make schedules, which optimizers apply
/// with one (optax's <c>scale_by_schedule</c>).
/// </summary>
/// <remarks>
/// Every schedule here is constant from some step on (its horizon), so inside a traced training step it is a table of
/// its values at steps <c>0 ... horizon</c>, computed on the host in double precision and indexed by
/// <c>min(count, horizon)</c>: the graph needs no trigonometry, and the values equal the host's <see cref="At(long)"/>
/// rounded to the parameters' dtype.
/// </remarks>
public sealed class Schedule
{
    private readonly Func<long, double> _value;

    private Schedule(Func<long, double> value, long horizon, bool isScalar)
    {
        _value = value;
        Horizon = horizon;
        IsScalar = isScalar;
    }

    /// <summary>A schedule whose value is <paramref name="value"/>(count), constant for counts at and above
    /// <paramref name="horizon"/>.</summary>
    internal static Schedule Of(Func<long, double> value, long horizon) => new(value, Math.Max(0, horizon), false);

    /// <summary>The fixed scalar <paramref name="value"/> (not a schedule: no step counter is kept for it).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Schedule(double value) => new(_ => value, 0, true);

    /// <summary>Whether this is a fixed scalar rather than a schedule.</summary>
    public bool IsScalar { get; }

    /// <summary>The first count from which the value no longer changes.</summary>
    internal long Horizon { get; }

    /// <summary>The value at step <paramref name="count"/> (optax's <c>schedule(count)</c>), computed on the host.</summary>
    /// <param name="count">The number of updates applied so far (0 for the first update).</param>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    public double At(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return _value(Math.Min(count, Horizon));
    }

    /// <summary>The value at the int32 scalar step <paramref name="count"/> inside a trace, as a
    /// <paramref name="dtype"/> scalar.</summary>
    internal Tensor At(Tensor count, DType dtype)
    {
        if (Horizon == 0) return NDArray.Full(dtype, At(0));
        int size = checked((int)Horizon + 1);
        var values = Enumerable.Range(0, size).Select(i => _value(i)).ToArray();
        Tensor steps = NDArray.From(values, size);
        return steps.Take(Tensor.Minimum(count, (double)Horizon), 0).Cast(dtype);
    }
}
