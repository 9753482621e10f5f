namespace Flax;

public sealed partial class Tensor
{
    /// <summary><c>e ** x</c> (<c>jnp.exp</c>); integer tensors compute in float32, as do the other transcendental
    /// functions below.</summary>
    public Tensor Exp() => Unary(Primitive.Exp, ToFloat());

    /// <summary>The natural logarithm (<c>jnp.log</c>).</summary>
    public Tensor Log() => Unary(Primitive.Log, ToFloat());

    /// <summary><c>log(1 + x)</c>, accurate near 0 (<c>jnp.log1p</c>).</summary>
    public Tensor Log1p() => Unary(Primitive.Log1p, ToFloat());

    /// <summary>The hyperbolic tangent (<c>jnp.tanh</c>).</summary>
    public Tensor Tanh() => Unary(Primitive.Tanh, ToFloat());

    /// <summary>The square root (<c>jnp.sqrt</c>).</summary>
    public Tensor Sqrt() => Unary(Primitive.Sqrt, ToFloat());

    /// <summary><c>1 / sqrt(x)</c> (<c>lax.rsqrt</c>).</summary>
    public Tensor Rsqrt() => Unary(Primitive.Rsqrt, ToFloat());

    /// <summary>The Gauss error function (<c>jax.scipy.special.erf</c>).</summary>
    public Tensor Erf() => Unary(Primitive.Erf, ToFloat());

    /// <summary>The logistic sigmoid <c>1 / (1 + e ** -x)</c> (<c>jax.nn.sigmoid</c>, <c>lax.logistic</c>).</summary>
    public Tensor Sigmoid() => Unary(Primitive.Logistic, ToFloat());

    /// <summary>The absolute value, same dtype (<c>jnp.abs</c>).</summary>
    /// <exception cref="ArgumentException">The tensor is bool.</exception>
    public Tensor Abs() => Unary(Primitive.Abs, this);

    /// <summary>-1, 0 or 1 by sign, same dtype (<c>jnp.sign</c>).</summary>
    /// <exception cref="ArgumentException">The tensor is bool.</exception>
    public Tensor Sign() => Unary(Primitive.Sign, this);

    /// <summary>The elements converted to <paramref name="dtype"/> (<c>x.astype(dtype)</c>): float to integer truncates
    /// toward zero, to bool is <c>x != 0</c>. Returns this tensor when the dtype is already <paramref name="dtype"/>.</summary>
    public Tensor Cast(DType dtype) => dtype == DType ? this : Bind(Primitive.ConvertElementType, new ConvertElementTypeParams(dtype), this);
}
