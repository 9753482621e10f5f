namespace Flax.Tests.Lift;

/// <summary>Central finite differences of a float64 host loss: the independent reference the lifted transforms'
/// gradient tests compare against.</summary>
internal static class FiniteDifferences
{
    /// <summary>Asserts that each <paramref name="grad"/>[k] equals <c>(loss(w + h e_k) - loss(w - h e_k)) / 2h</c>
    /// (h = 1e-6) within <c>tolerance * (1 + |fd|)</c> (1e-6 unless a gradient computed in float32 needs more).</summary>
    internal static void AssertGradient(Func<double[], double> loss, double[] w, double[] grad, string what = "", double tolerance = 1e-6)
    {
        Assert.HasCount(w.Length, grad);
        const double step = 1e-6;
        for (int k = 0; k < w.Length; k++)
        {
            var (plus, minus) = ((double[])w.Clone(), (double[])w.Clone());
            plus[k] += step;
            minus[k] -= step;
            double fd = (loss(plus) - loss(minus)) / (2 * step);
            Assert.IsTrue(Math.Abs(grad[k] - fd) <= tolerance * (1 + Math.Abs(fd)), $"{what}dL/dw[{k}] = {grad[k]}, finite differences {fd}");
        }
    }
}
