namespace Flax.Ir;

/// <summary>Scalar functions the evaluator needs that <see cref="Math"/> lacks, computed in double precision.</summary>
internal static class ReferenceMath
{
    /// <summary>
    /// The error function, from the everywhere-convergent series of positive terms
    /// <c>erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n x (2x^2)^n / (1*3*...*(2n+1))</c> (Abramowitz and Stegun 7.1.6),
    /// accurate to a few ulp of double; <c>|x| &gt;= 6</c> gives ±1 (erfc(6) is below 1e-16).
    /// </summary>
    internal static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) >= 6) return Math.Sign(x);
        double term = x, sum = x, twoX2 = 2 * x * x;
        for (int n = 1; Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= twoX2 / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }

    /// <summary><c>log(1 + x)</c> without cancellation near 0 (Goldberg's correction: <c>log(u) * x / (u - 1)</c>
    /// with <c>u = 1 + x</c> rounded).</summary>
    internal static double Log1p(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }
}
