namespace Flax.Tests.Optim;

/// <summary>Schedules against optax's formulas written out per step (within 1e-15).</summary>
[TestClass]
public sealed class ScheduleTests
{
    private static void AssertValues(Schedule schedule, Func<int, double> expected, int steps = 30)
    {
        for (int t = 0; t < steps; t++)
            Assert.AreEqual(expected(t), schedule.At(t), 1e-15, $"step {t}");
    }

    [TestMethod]
    public void Constant()
    {
        AssertValues(Schedules.Constant(0.3), _ => 0.3);
        Assert.IsFalse(Schedules.Constant(0.3).IsScalar);
        Schedule scalar = 0.3;
        Assert.IsTrue(scalar.IsScalar);
    }

    [TestMethod]
    public void LinearWithABegin() =>
        AssertValues(Schedules.Linear(1, 0.1, 10, transitionBegin: 5), t => t < 5 ? 1 : t >= 15 ? 0.1 : 0.9 * (1 - (t - 5) / 10.0) + 0.1);

    [TestMethod]
    public void Polynomial() => AssertValues(Schedules.Polynomial(2, 0.5, 2, 8), t => 1.5 * Math.Pow(1 - Math.Min(t, 8) / 8.0, 2) + 0.5);

    [TestMethod]
    public void PolynomialWithoutSteps() => AssertValues(Schedules.Polynomial(2, 0.5, 2, 0), _ => 2);

    [TestMethod]
    public void CosineDecay() => AssertValues(Schedules.CosineDecay(0.4, 12, alpha: 0.1, exponent: 2),
        t => 0.4 * (0.9 * Math.Pow(0.5 * (1 + Math.Cos(Math.PI * Math.Min(t, 12) / 12)), 2) + 0.1));

    [TestMethod]
    public void WarmupCosineDecay() => AssertValues(Schedules.WarmupCosineDecay(0, 1, 4, 20, endValue: 0.05),
        t => t < 4 ? t / 4.0 : 1 * (0.95 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(t - 4, 16) / 16)) + 0.05));

    [TestMethod]
    public void Join() => AssertValues(Schedules.Join([Schedules.Constant(1), Schedules.Linear(1, 0, 4), Schedules.Constant(0.5)], [3, 10]),
        t => t < 3 ? 1 : t < 10 ? Math.Max(0, 1 - (t - 3) / 4.0) : 0.5);

    [TestMethod]
    public void CosineDecayNeedsPositiveSteps()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Schedules.CosineDecay(1, 0));
        Assert.AreEqual("The cosine_decay_schedule requires positive decay_steps, got decay_steps=0. (Parameter 'decaySteps')", e.Message);
    }

    [TestMethod]
    public void JoinNeedsOneMoreScheduleThanBoundaries()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Schedules.Join([Schedules.Constant(1)], [3]));
        Assert.AreEqual("join_schedules needs one more schedule than boundaries, got 1 schedule(s) and 1 boundary(ies). (Parameter 'boundaries')", e.Message);
    }

    [TestMethod]
    public void NegativeCount()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Schedules.Constant(1).At(-1));
        Assert.AreEqual("count ('-1') must be a non-negative value. (Parameter 'count')\nActual value was -1.", e.Message);
    }
}
