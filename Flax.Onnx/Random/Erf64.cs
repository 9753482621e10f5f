namespace Flax;

/// <summary>
/// float64 <c>erf</c> for the truncated-normal bounds, where XLA:CPU calls libm's <c>erf</c>. Computed in double-double
/// arithmetic (about 104 bits) from the positive series <c>erf(x) = 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (2n+1)!!</c> and
/// rounded once, so the result is correctly rounded unless the true value lies within about 1e-28 (relative) of a
/// rounding boundary; <c>|x| ≥ 6</c> gives ±1 (<c>erfc(6) &lt; 2^-54</c>). Only called once per sampler call.
/// </summary>
internal static class Erf64
{
    private static readonly DoubleDouble TwoOverSqrtPi = new(1.1283791670955126, 1.533545961316588e-17);
    private static readonly DoubleDouble InverseE = new(0.36787944117144233, -1.2428753672788363e-17);

    /// <summary><c>erf(x)</c>, correctly rounded but for near-ties; NaN for NaN.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        if (Math.Abs(x) >= 6) return Math.CopySign(1, x);
        var z = DoubleDouble.Product(x, x);
        var twoZ = new DoubleDouble(2 * z.Hi, 2 * z.Lo);
        DoubleDouble term = new(x, 0), sum = term;
        for (int n = 1; Math.Abs(term.Hi) > 1e-34 * Math.Abs(sum.Hi); n++)
        {
            term = (term * twoZ) / (2 * n + 1);
            sum += term;
        }
        return (TwoOverSqrtPi * ExpMinus(z) * sum).Hi;
    }

    /// <summary><c>e^(-z)</c> for <c>0 ≤ z &lt; 36</c>: <c>(1/e)^m · e^(-r)</c> with <c>m = ⌊z⌋</c> and a Taylor series for <c>r</c>.</summary>
    private static DoubleDouble ExpMinus(DoubleDouble z)
    {
        double m = Math.Floor(z.Hi);
        var r = z + new DoubleDouble(-m, 0);
        DoubleDouble term = new(1, 0), sum = term;
        for (int k = 1; Math.Abs(term.Hi) > 1e-34; k++)
        {
            term = (term * r) / -k;
            sum += term;
        }
        for (int i = 0; i < (int)m; i++) sum *= InverseE;
        return sum;
    }

    /// <summary>An unevaluated sum <c>Hi + Lo</c> with <c>|Lo| ≤ ulp(Hi)/2</c>.</summary>
    private readonly record struct DoubleDouble(double Hi, double Lo)
    {
        public static DoubleDouble Product(double a, double b)
        {
            double p = a * b;
            return new(p, Math.FusedMultiplyAdd(a, b, -p));
        }

        public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
        {
            double s = a.Hi + b.Hi, v = s - a.Hi;
            double e = (a.Hi - (s - v)) + (b.Hi - v) + a.Lo + b.Lo;
            return Normalize(s, e);
        }

        public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
        {
            var p = Product(a.Hi, b.Hi);
            return Normalize(p.Hi, p.Lo + a.Hi * b.Lo + a.Lo * b.Hi);
        }

        public static DoubleDouble operator /(DoubleDouble a, double b)
        {
            double q = a.Hi / b;
            var qb = Product(q, b);
            double r = ((a.Hi - qb.Hi) - qb.Lo + a.Lo) / b;
            return Normalize(q, r);
        }

        private static DoubleDouble Normalize(double hi, double lo)
        {
            double s = hi + lo;
            return new(s, lo - (s - hi));
        }
    }
}
