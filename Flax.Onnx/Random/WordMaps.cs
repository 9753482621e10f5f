namespace Flax;

/// <summary>
/// Turns one vector of 32-bit <c>random_bits</c> into one vector of output words: the float32 samplers of
/// <c>jax.random</c> (their float bits) or the bits themselves.
/// </summary>
internal interface IWordMap
{
    /// <summary>Maps the random words of <typeparamref name="L"/>'s lanes to output words.</summary>
    TU Apply<L, TU, TF, TD>(TU bits) where L : struct, ILanes<TU, TF, TD>;
}

/// <summary>The random words unchanged (<c>jax.random.bits</c> with 32-bit width).</summary>
internal readonly struct BitsMap : IWordMap
{
    public TU Apply<L, TU, TF, TD>(TU bits) where L : struct, ILanes<TU, TF, TD> => bits;
}

/// <summary>Helpers shared by the float32 maps.</summary>
internal static class WordMap
{
    /// <summary>A float32 in [0, 1) from the top 23 bits: <c>bitcast((b &gt;&gt; 9) | 0x3F800000) - 1</c> (exact).</summary>
    public static TF Unit<L, TU, TF, TD>(TU bits) where L : struct, ILanes<TU, TF, TD> =>
        L.Subtract(L.AsFloat(L.Or(L.ShiftRight(bits, 9), L.Broadcast(0x3F800000u))), L.Broadcast(1f));

    /// <summary>JAX's uniform over [min, min + range): <c>max(min, fma(unit, range, min))</c>.</summary>
    public static TF Uniform<L, TU, TF, TD>(TU bits, float min, float range) where L : struct, ILanes<TU, TF, TD> =>
        L.Max(L.Broadcast(min), L.FusedMultiplyAdd(Unit<L, TU, TF, TD>(bits), L.Broadcast(range), L.Broadcast(min)));
}

/// <summary><c>jax.random.uniform(key, shape, float32, min, min + range) * scale</c>.</summary>
/// <param name="Min">The lower bound (float32).</param>
/// <param name="Range">The float32 difference <c>maxval - minval</c>.</param>
/// <param name="Scale">A factor applied afterwards (an initializer's scale; 1 for the sampler alone).</param>
internal readonly record struct UniformMap(float Min, float Range, float Scale) : IWordMap
{
    public TU Apply<L, TU, TF, TD>(TU bits) where L : struct, ILanes<TU, TF, TD> =>
        L.AsUInt(L.Multiply(WordMap.Uniform<L, TU, TF, TD>(bits, Min, Range), L.Broadcast(Scale)));
}

/// <summary><c>jax.random.normal(key, shape, float32) * scale</c>: <c>√2 · erf_inv(uniform(-0.99999994, 1))</c>.</summary>
/// <param name="Scale">A factor applied afterwards (1 for the sampler alone).</param>
internal readonly record struct NormalMap(float Scale) : IWordMap
{
    /// <summary><c>np.nextafter(-1f, 0f)</c> (0xBF7FFFFF); <c>1 - Low</c> rounds to exactly 2.</summary>
    public const float Low = -0.99999994f;

    public TU Apply<L, TU, TF, TD>(TU bits) where L : struct, ILanes<TU, TF, TD>
    {
        TF u = WordMap.Uniform<L, TU, TF, TD>(bits, Low, 1f - Low);
        TF normal = L.Multiply(L.Broadcast(XlaMath.Sqrt2), XlaMath.ErfInv<L, TU, TF, TD>(u));
        return L.AsUInt(L.Multiply(normal, L.Broadcast(Scale)));
    }
}

/// <summary>
/// <c>jax.random.truncated_normal(key, lower, upper, shape, float32) * scale</c>:
/// <c>clip(√2 · erf_inv(uniform(a, b)), nextafter(lower, +inf), nextafter(upper, -inf))</c> with <c>a = erf(lower/√2)</c>,
/// <c>b = erf(upper/√2)</c>.
/// </summary>
/// <param name="A">erf(lower/√2).</param>
/// <param name="Range">The float32 difference <c>b - a</c>.</param>
/// <param name="Low">The smallest float32 above <c>lower</c>.</param>
/// <param name="High">The largest float32 below <c>upper</c>.</param>
/// <param name="Scale">A factor applied afterwards (1 for the sampler alone).</param>
internal readonly record struct TruncatedNormalMap(float A, float Range, float Low, float High, float Scale) : IWordMap
{
    public TU Apply<L, TU, TF, TD>(TU bits) where L : struct, ILanes<TU, TF, TD>
    {
        TF u = WordMap.Uniform<L, TU, TF, TD>(bits, A, Range);
        TF normal = L.Multiply(L.Broadcast(XlaMath.Sqrt2), XlaMath.ErfInv<L, TU, TF, TD>(u));
        TF clipped = L.Min(L.Max(normal, L.Broadcast(Low)), L.Broadcast(High));
        return L.AsUInt(L.Multiply(clipped, L.Broadcast(Scale)));
    }
}
