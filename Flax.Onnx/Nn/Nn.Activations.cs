namespace Flax;

public static partial class Nn
{
    /// <summary>The rectified linear unit <c>max(x, 0)</c> (<c>jax.nn.relu</c>), NaN kept. Its gradient is
    /// <c>jax.nn.relu</c>'s custom one: 1 where <c>x &gt; 0</c>, else 0 (also at 0, where <c>lax.max</c> would split
    /// it): computed as <c>where(x &lt;= 0, 0, x)</c>, whose gradient reuses the forward pass's mask.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation, same shape and dtype.</returns>
    public static Tensor Relu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Tensor.Where(x <= 0.0, 0.0, x);
    }

    /// <summary>
    /// The Gaussian error linear unit (<c>jax.nn.gelu</c>): with <paramref name="approximate"/> (the default)
    /// <c>x * 0.5 * (1 + tanh(sqrt(2/π) * (x + 0.044715 x³)))</c>, else the exact <c>x * 0.5 * (1 + erf(x / √2))</c>
    /// (JAX writes it with <c>erfc(-x / √2)</c>, which keeps relative accuracy for very negative x; here the result
    /// there is 0 within float32's absolute precision).
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="approximate">Use the tanh approximation.</param>
    /// <returns>The activation.</returns>
    public static Tensor Gelu(Tensor x, bool approximate = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (approximate)
            return x * (0.5 * (1.0 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * (x * x * x))).Tanh()));
        return 0.5 * x * (1.0 + (x * Math.Sqrt(0.5)).Erf());
    }

    /// <summary>The sigmoid linear unit <c>x * sigmoid(x)</c> (<c>jax.nn.silu</c>).</summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation.</returns>
    public static Tensor Silu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x * x.Sigmoid();
    }

    /// <summary><c>jax.nn.swish</c>, JAX's other name for <see cref="Silu"/>: <c>x * sigmoid(x)</c>.</summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation.</returns>
    public static Tensor Swish(Tensor x) => Silu(x);

    /// <summary>The logistic sigmoid <c>1 / (1 + exp(-x))</c> (<c>jax.nn.sigmoid</c>).</summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation.</returns>
    public static Tensor Sigmoid(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Sigmoid();
    }

    /// <summary>The hyperbolic tangent (<c>jnp.tanh</c>).</summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation.</returns>
    public static Tensor Tanh(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Tanh();
    }

    /// <summary>
    /// <c>exp(x) / sum(exp(x))</c> over <paramref name="axis"/> (<c>jax.nn.softmax</c>), computed from
    /// <c>x - max(x)</c>; several axes normalise jointly.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="axis">The normalised axes (default <c>(-1,)</c>).</param>
    /// <returns>The probabilities.</returns>
    /// <exception cref="ArgumentException">An axis is out of range.</exception>
    public static Tensor Softmax(Tensor x, int[]? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        axis ??= [-1];
        var unnormalized = (x - x.Max(axis, keepDims: true)).Exp();
        return unnormalized / unnormalized.Sum(axis, keepDims: true);
    }

    /// <summary>
    /// <c>x - log(sum(exp(x)))</c> over <paramref name="axis"/> (<c>jax.nn.log_softmax</c>), computed from
    /// <c>x - max(x)</c>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="axis">The normalised axes (default <c>(-1,)</c>).</param>
    /// <returns>The log-probabilities.</returns>
    /// <exception cref="ArgumentException">An axis is out of range.</exception>
    public static Tensor LogSoftmax(Tensor x, int[]? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        axis ??= [-1];
        var shifted = x - x.Max(axis, keepDims: true);
        return shifted - shifted.Exp().Sum(axis, keepDims: true).Log();
    }

    /// <summary>
    /// The exponential linear unit (<c>jax.nn.elu</c>): <c>x</c> where positive, else <c>alpha * (exp(x) - 1)</c>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="alpha">The scale of the negative part.</param>
    /// <returns>The activation.</returns>
    public static Tensor Elu(Tensor x, double alpha = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        var positive = x > 0;
        return Tensor.Where(positive, x, alpha * Expm1(Tensor.Where(positive, 0.0, x)));
    }

    /// <summary>
    /// The continuously differentiable exponential linear unit (<c>jax.nn.celu</c>):
    /// <c>max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)</c>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="alpha">The scale of the negative part.</param>
    /// <returns>The activation.</returns>
    public static Tensor Celu(Tensor x, double alpha = 1.0) =>
        Tensor.Maximum(x, 0.0) + alpha * Expm1(Tensor.Minimum(x, 0.0) / alpha);

    /// <summary>The leaky rectified linear unit (<c>jax.nn.leaky_relu</c>): <c>x</c> where <c>x &gt;= 0</c>, else
    /// <c>negativeSlope * x</c>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="negativeSlope">The slope of the negative part.</param>
    /// <returns>The activation.</returns>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 1e-2)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Tensor.Where(x >= 0, x, negativeSlope * x);
    }

    /// <summary>
    /// <c>log(1 + exp(x))</c> (<c>jax.nn.softplus</c>, <c>jnp.logaddexp(x, 0)</c>), computed stably as
    /// <c>max(x, 0) + log1p(exp(-|x|))</c>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation.</returns>
    public static Tensor Softplus(Tensor x) => Tensor.Maximum(x, 0.0) + (-x.Abs()).Exp().Log1p();

    /// <summary><c>x / (|x| + 1)</c> (<c>jax.nn.soft_sign</c>).</summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation.</returns>
    public static Tensor SoftSign(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x / (x.Abs() + 1);
    }

    /// <summary><c>log(sigmoid(x))</c> as <c>-softplus(-x)</c> (<c>jax.nn.log_sigmoid</c>).</summary>
    /// <param name="x">The input.</param>
    /// <returns>The activation.</returns>
    public static Tensor LogSigmoid(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return -Softplus(-x);
    }

    /// <summary>
    /// The gated linear unit (<c>jax.nn.glu</c>): splits <paramref name="axis"/> into halves <c>a, b</c> and returns
    /// <c>a * sigmoid(b)</c>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="axis">The axis to split; its size must be even.</param>
    /// <returns>The activation, with <paramref name="axis"/> halved.</returns>
    /// <exception cref="ArgumentException">The axis size is odd (<c>axis size must be divisible by 2</c>) or the axis is
    /// out of range.</exception>
    public static Tensor Glu(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (axis < -x.Rank || axis >= x.Rank)
            throw new ArgumentException($"axis {axis} is out of bounds for array of dimension {x.Rank}", nameof(axis));
        if (x.Shape[axis < 0 ? axis + x.Rank : axis] % 2 != 0)
            throw new ArgumentException("axis size must be divisible by 2", nameof(x));
        var halves = x.Split(2, axis);
        return halves[0] * halves[1].Sigmoid();
    }

    /// <summary><c>exp(x) - 1</c>; the IR has no <c>expm1</c>, so small |x| lose relative (not absolute) accuracy.</summary>
    private static Tensor Expm1(Tensor x) => x.Exp() - 1.0;
}
