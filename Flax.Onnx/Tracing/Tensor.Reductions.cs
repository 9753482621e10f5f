using System.Collections.Immutable;

namespace Flax;

public sealed partial class Tensor
{
    /// <summary>The sum over <paramref name="axes"/> (null: all) (<c>jnp.sum</c>); bool sums as int32.</summary>
    /// <param name="axes">The reduced axes; negative count from the end; null reduces all.</param>
    /// <param name="keepDims">Keep the reduced axes with size 1.</param>
    /// <exception cref="ArgumentException">An axis is out of range or repeated.</exception>
    public Tensor Sum(int[]? axes = null, bool keepDims = false) =>
        Reduce(Primitive.ReduceSum, DType == DType.Bool ? Cast(DType.Int32) : this, NormalizeAxes(axes, Rank), keepDims);

    /// <summary>The sum over one axis (<c>jnp.sum(x, axis)</c>).</summary>
    public Tensor Sum(int axis, bool keepDims = false) => Sum([axis], keepDims);

    /// <summary>The maximum over <paramref name="axes"/> (null: all) (<c>jnp.max</c>); NaN propagates.</summary>
    /// <param name="axes">The reduced axes; negative count from the end; null reduces all.</param>
    /// <param name="keepDims">Keep the reduced axes with size 1.</param>
    /// <exception cref="ArgumentException">An axis is out of range or repeated.</exception>
    public Tensor Max(int[]? axes = null, bool keepDims = false) => Reduce(Primitive.ReduceMax, this, NormalizeAxes(axes, Rank), keepDims);

    /// <summary>The maximum over one axis (<c>jnp.max(x, axis)</c>).</summary>
    public Tensor Max(int axis, bool keepDims = false) => Max([axis], keepDims);

    /// <summary>The minimum over <paramref name="axes"/> (null: all) (<c>jnp.min</c>); NaN propagates.</summary>
    /// <param name="axes">The reduced axes; negative count from the end; null reduces all.</param>
    /// <param name="keepDims">Keep the reduced axes with size 1.</param>
    /// <exception cref="ArgumentException">An axis is out of range or repeated.</exception>
    public Tensor Min(int[]? axes = null, bool keepDims = false) => Reduce(Primitive.ReduceMin, this, NormalizeAxes(axes, Rank), keepDims);

    /// <summary>The minimum over one axis (<c>jnp.min(x, axis)</c>).</summary>
    public Tensor Min(int axis, bool keepDims = false) => Min([axis], keepDims);

    /// <summary>
    /// The mean over <paramref name="axes"/> (null: all) (<c>jnp.mean</c>); integers average as float32. Over the
    /// dynamic batch axis the count is computed in the graph.
    /// </summary>
    /// <param name="axes">The reduced axes; negative count from the end; null reduces all.</param>
    /// <param name="keepDims">Keep the reduced axes with size 1.</param>
    /// <exception cref="ArgumentException">An axis is out of range or repeated.</exception>
    public Tensor Mean(int[]? axes = null, bool keepDims = false)
    {
        var reduced = NormalizeAxes(axes, Rank);
        var x = ToFloat();
        var sum = x.Sum([.. reduced], keepDims);
        long count = reduced.Where(a => Type.Dims[a] >= 0).Aggregate(1L, (n, a) => n * Type.Dims[a]);
        var mean = sum / count;
        return reduced.Any(a => Type.Dims[a] < 0) ? mean / x.BatchSize() : mean;
    }

    /// <summary>The mean over one axis (<c>jnp.mean(x, axis)</c>).</summary>
    public Tensor Mean(int axis, bool keepDims = false) => Mean([axis], keepDims);

    /// <summary>The population variance <c>mean(|x - mean(x)|^2)</c> over <paramref name="axes"/> (null: all)
    /// (<c>jnp.var</c> with <c>ddof=0</c>).</summary>
    /// <param name="axes">The reduced axes; negative count from the end; null reduces all.</param>
    /// <param name="keepDims">Keep the reduced axes with size 1.</param>
    /// <exception cref="ArgumentException">An axis is out of range or repeated.</exception>
    public Tensor Var(int[]? axes = null, bool keepDims = false)
    {
        var centered = ToFloat() - Mean(axes, keepDims: true);
        return (centered * centered).Mean(axes, keepDims);
    }

    /// <summary>The variance over one axis (<c>jnp.var(x, axis)</c>).</summary>
    public Tensor Var(int axis, bool keepDims = false) => Var([axis], keepDims);

    /// <summary><c>exp(x) / sum(exp(x))</c> along <paramref name="axis"/>, computed as <c>exp(x - max)</c> over its
    /// sum (<c>jax.nn.softmax</c>).</summary>
    /// <exception cref="ArgumentException">The axis is out of range.</exception>
    public Tensor Softmax(int axis = -1)
    {
        var x = ToFloat();
        var unnormalized = (x - x.Max(axis, keepDims: true)).Exp();
        return unnormalized / unnormalized.Sum(axis, keepDims: true);
    }

    /// <summary><c>x - log(sum(exp(x)))</c> along <paramref name="axis"/>, computed from <c>x - max</c>
    /// (<c>jax.nn.log_softmax</c>).</summary>
    /// <exception cref="ArgumentException">The axis is out of range.</exception>
    public Tensor LogSoftmax(int axis = -1)
    {
        var x = ToFloat();
        var shifted = x - x.Max(axis, keepDims: true);
        return shifted - shifted.Exp().Sum(axis, keepDims: true).Log();
    }

    /// <summary>
    /// <c>log(sum(exp(x)))</c> over <paramref name="axes"/> (null: all), computed as <c>m + log(sum(exp(x - m)))</c>
    /// with <c>m</c> the maximum, or 0 where that is not finite (<c>jax.nn.logsumexp</c>).
    /// </summary>
    /// <param name="axes">The reduced axes; negative count from the end; null reduces all.</param>
    /// <param name="keepDims">Keep the reduced axes with size 1.</param>
    /// <exception cref="ArgumentException">An axis is out of range or repeated.</exception>
    public Tensor LogSumExp(int[]? axes = null, bool keepDims = false)
    {
        var reduced = NormalizeAxes(axes, Rank);
        var x = ToFloat();
        var max = x.Max([.. reduced], keepDims: true);
        var shift = Where(max.Abs() < double.PositiveInfinity, max, 0.0);
        var result = (x - shift).Exp().Sum([.. reduced], keepDims: true).Log() + shift;
        return keepDims ? result : result.Squeeze([.. reduced]);
    }

    /// <summary>The log-sum-exp over one axis (<c>jax.nn.logsumexp(x, axis)</c>).</summary>
    public Tensor LogSumExp(int axis, bool keepDims = false) => LogSumExp([axis], keepDims);

    private static Tensor Reduce(Primitive primitive, Tensor x, ImmutableArray<int> axes, bool keepDims)
    {
        var reduced = Bind(primitive, new ReduceParams(axes), x);
        return keepDims ? reduced.Reshaped([.. x.Type.Dims.Select((d, a) => axes.Contains(a) ? 1 : d)]) : reduced;
    }

    /// <summary>The dynamic batch size as a scalar of this tensor's dtype: the sum of ones broadcast along it.</summary>
    private Tensor BatchSize() => Scalar(1, DType, 0).BroadcastTo(-1).Sum();
}
