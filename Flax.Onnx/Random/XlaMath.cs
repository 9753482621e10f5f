using System.Runtime.CompilerServices;

namespace Flax;

/// <summary>
/// The float32 special functions as XLA:CPU computes them for <c>jax.random</c> (<c>jax/_src/random.py</c>): StableHLO's
/// <c>erf_inv</c> (Giles' single-precision approximation), XLA's <c>log1p</c> intrinsic and the Eigen rational
/// <c>erf</c>, with every multiply-add that LLVM contracts written as a fused multiply-add.
/// </summary>
internal static class XlaMath
{
    /// <summary>√2 rounded to float32 (0x3FB504F3).</summary>
    public const float Sqrt2 = 1.41421356f;

    private static readonly float[] ErfInvSmall =
        [2.81022636e-08f, 3.43273939e-07f, -3.5233877e-06f, -4.39150654e-06f, 0.00021858087f, -0.00125372503f, -0.00417768164f, 0.246640727f, 1.50140941f];
    private static readonly float[] ErfInvLarge =
        [-0.000200214257f, 0.000100950558f, 0.00134934322f, -0.00367342844f, 0.00573950773f, -0.0076224613f, 0.00943887047f, 1.00167406f, 2.83297682f];
    private static readonly float[] Log1pNumerator =
        [4.5270000862445199635215E-5f, 4.9854102823193375972212E-1f, 6.5787325942061044846969E0f, 2.9911919328553073277375E1f, 6.0949667980987787057556E1f, 5.7112963590585538103336E1f, 2.0039553499201281259648E1f];
    private static readonly float[] Log1pDenominator =
        [1f, 1.5062909083469192043167E1f, 8.3047565967967209469434E1f, 2.2176239823732856465394E2f, 3.0909872225312059774938E2f, 2.1642788614495947685003E2f, 6.0118660497603843919306E1f];

    /// <summary>The coefficients 1/23, 1/21, ..., 1/3, 1 of <c>atanh(s)/s</c> as a polynomial in <c>s²</c>.</summary>
    private static readonly double[] AtanhSeries = [.. Enumerable.Range(0, 12).Select(k => 1.0 / (23 - 2 * k))];

    /// <summary>
    /// <c>erf_inv(x)</c>: <c>w = -log1p(-x²)</c>; for <c>w &lt; 5</c> a degree-8 polynomial in <c>w - 2.5</c>, else in
    /// <c>√w - 3</c> (Horner with FMA); times <c>x</c>; <c>±inf</c> at <c>x = ±1</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TF ErfInv<L, TU, TF, TD>(TF x) where L : struct, ILanes<TU, TF, TD>
    {
        TF w = L.Subtract(L.Broadcast(0f), Log1p<L, TU, TF, TD>(L.Multiply(x, L.Subtract(L.Broadcast(0f), x))));
        TU small = L.LessThan(w, L.Broadcast(5f));
        w = L.Select(small, L.Subtract(w, L.Broadcast(2.5f)), L.Subtract(L.Sqrt(w), L.Broadcast(3f)));
        TF p = L.Select(small, L.Broadcast(ErfInvSmall[0]), L.Broadcast(ErfInvLarge[0]));
        for (int i = 1; i < ErfInvSmall.Length; i++)
            p = L.FusedMultiplyAdd(p, w, L.Select(small, L.Broadcast(ErfInvSmall[i]), L.Broadcast(ErfInvLarge[i])));
        TU one = L.Equal(L.Abs(x), L.Broadcast(1f));
        return L.Select(one, L.Multiply(x, L.Broadcast(float.PositiveInfinity)), L.Multiply(p, x));
    }

    /// <summary>
    /// XLA's <c>log1p</c>: for <c>|x| &lt; √2 - 1</c>, <c>x + (-0.5·x² + x·x²·N(x)/D(x))</c> with rational coefficients;
    /// otherwise <c>log(x + 1)</c> of the float32 sum (computed in float64 and rounded, see <see cref="Log"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TF Log1p<L, TU, TF, TD>(TF x) where L : struct, ILanes<TU, TF, TD>
    {
        TF x2 = L.Multiply(x, x);
        TF numerator = Polynomial<L, TU, TF, TD>(Log1pNumerator, x);
        TF denominator = Polynomial<L, TU, TF, TD>(Log1pDenominator, x);
        TF tail = L.Multiply(L.Multiply(x, x2), L.Divide(numerator, denominator));
        TF forSmall = L.Add(x, L.FusedMultiplyAdd(L.Broadcast(-0.5f), x2, tail));
        TF forLarge = Log<L, TU, TF, TD>(L.Add(x, L.Broadcast(1f)));
        TU small = L.LessThan(L.Abs(x), L.Broadcast(0.41421356237309504880f));
        return L.Select(small, forSmall, forLarge);
    }

    /// <summary>
    /// The natural logarithm of positive float32 values, correctly rounded except in (astronomically rare) near-ties:
    /// <c>y = m·2^e</c> with <c>m ∈ [√½, √2)</c>, then <c>e·ln2 + 2·atanh((m-1)/(m+1))</c> by a 12-term series in float64.
    /// Zero gives a finite value (callers select around it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TF Log<L, TU, TF, TD>(TF y) where L : struct, ILanes<TU, TF, TD>
    {
        TU bits = L.AsUInt(y);
        TU mantissa = L.And(bits, L.Broadcast(0x007FFFFFu));
        TU above = L.GreaterThan(mantissa, L.Broadcast(0x003504F3u));               // m > √2: use m/2 and e + 1
        TF m = L.AsFloat(L.Or(mantissa, L.Select(above, L.Broadcast(0x3F000000u), L.Broadcast(0x3F800000u))));
        TU biased = L.Add(L.ShiftRight(bits, 23), L.ShiftRight(above, 31));
        TF e = L.Subtract(L.AsFloat(L.Or(biased, L.Broadcast(0x4B000000u))), L.Broadcast(8388608f + 127f));
        TF f = L.Subtract(m, L.Broadcast(1f));                                        // exact
        return L.Narrow(LogSeries<L, TU, TF, TD>(L.WidenLower(f), L.WidenLower(e)), LogSeries<L, TU, TF, TD>(L.WidenUpper(f), L.WidenUpper(e)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD LogSeries<L, TU, TF, TD>(TD f, TD e) where L : struct, ILanes<TU, TF, TD>
    {
        TD s = L.Divide(f, L.Add(f, L.Broadcast(2.0)));
        TD z = L.Multiply(s, s);
        TD p = L.Broadcast(AtanhSeries[0]);
        for (int k = 1; k < AtanhSeries.Length; k++) p = L.FusedMultiplyAdd(p, z, L.Broadcast(AtanhSeries[k]));
        TD twoS = L.Add(s, s);
        return L.FusedMultiplyAdd(e, L.Broadcast(0.693147180559945309417232121458), L.Multiply(twoS, p));
    }

    /// <summary>Horner's rule from the highest coefficient, each step one FMA: XLA's <c>EvaluatePolynomial</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TF Polynomial<L, TU, TF, TD>(float[] coefficients, TF x) where L : struct, ILanes<TU, TF, TD>
    {
        TF p = L.Broadcast(coefficients[0]);
        for (int i = 1; i < coefficients.Length; i++) p = L.FusedMultiplyAdd(p, x, L.Broadcast(coefficients[i]));
        return p;
    }

    /// <summary>
    /// float32 <c>erf(x)</c> as XLA:CPU emits it (Eigen's rational interpolant, FMA steps): ±1 for
    /// <c>|x| ≥ 3.832506856900711</c>, else <c>x·P(x²)/Q(x²)</c>. Used for truncated-normal bounds.
    /// </summary>
    public static float Erf(float x)
    {
        if (MathF.Abs(x) >= 3.832506856900711f) return MathF.CopySign(1f, x);
        float x2 = x * x;
        float p = MathF.FusedMultiplyAdd(x2, 0.00022905065861350646f, 0.0034082910107109506f);
        p = MathF.FusedMultiplyAdd(x2, p, 0.050955695062380861f);
        p = MathF.FusedMultiplyAdd(x2, p, 0.18520832239976145f);
        p = MathF.FusedMultiplyAdd(x2, p, 1.128379143519084f);
        p = x * p;
        float q = MathF.FusedMultiplyAdd(x2, -1.1791602954361697e-7f, 0.000023547966471313185f);
        q = MathF.FusedMultiplyAdd(x2, q, 0.0010179625278914885f);
        q = MathF.FusedMultiplyAdd(x2, q, 0.014070470171167667f);
        q = MathF.FusedMultiplyAdd(x2, q, 0.11098505178285362f);
        q = MathF.FusedMultiplyAdd(x2, q, 0.49746925110067538f);
        q = MathF.FusedMultiplyAdd(x2, q, 1f);
        return p / q;
    }
}
