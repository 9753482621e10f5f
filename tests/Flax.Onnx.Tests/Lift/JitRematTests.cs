namespace Flax.Tests.Lift;

/// <summary><c>Lift.Jit</c>, <c>FoldRngs</c>, <c>Remat</c>/<c>Checkpoint</c> on plain values: Flax's PRNG semantics.</summary>
[TestClass]
public sealed class JitRematTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    private static PrngKey Draw(Scope scope, int _) => scope.MakeRng("params");

    /// <summary>Inside <c>jit</c> and <c>fold_rngs</c> the sequences lose the outer path (<c>clear_suffix</c>): the key of
    /// child <c>a</c>'s first draw is <c>fold(key, [1])</c>, not <c>fold(key, ["a", 1])</c>; the counter is still a's.</summary>
    [TestMethod]
    public void JitAndFoldRngsClearTheSuffix()
    {
        foreach (var transform in new[] { Flax.Lift.Jit<int, PrngKey>(Draw), Flax.Lift.FoldRngs<int, PrngKey>(Draw) })
        {
            var ((first, second), _) = Core.Init(scope =>
            {
                var a = scope.Push("a");
                return (transform(a, 0), a.MakeRng("params"));
            })(Key0);
            Assert.AreEqual(Key0.FoldInStatic(1), first);
            Assert.AreEqual(Key0.FoldInStatic("a", 2), second);
        }
    }

    /// <summary><c>remat</c> keeps the suffix: the key is the one drawn without it.</summary>
    [TestMethod]
    public void RematKeepsTheSuffix()
    {
        foreach (var transform in new[] { Flax.Lift.Remat<int, PrngKey>(Draw), Flax.Lift.Checkpoint<int, PrngKey>(Draw) })
        {
            var (key, _) = Core.Init(scope => transform(scope.Push("a"), 0))(Key0);
            Assert.AreEqual(Key0.FoldInStatic("a", 1), key);
        }
    }

    /// <summary>Variables created inside are published to the outer scope; a missing one names the transform in the path.</summary>
    [TestMethod]
    public void VariablesFlowThroughAndErrorsNameTheTransform()
    {
        var jitted = Flax.Lift.Jit<int, int>((scope, x) => scope.Param("w", _ => x + 1));
        var (y, variables) = Core.Init(scope => jitted(scope.Push("dense"), 4))(Key0);
        Assert.AreEqual(5, y);
        Assert.AreEqual(5, variables.Flatten()["params/dense/w"]);
        var missing = new VariableDict(("params", new VariableDict(("dense", new VariableDict(("v", 1))))));
        var e = Assert.ThrowsExactly<ScopeParamNotFoundException>(() => Core.Apply(scope => jitted(scope.Push("dense"), 4))(missing));
        Assert.AreEqual("Could not find parameter named \"w\" in scope \"/jit(dense)\".", e.Message);
    }
}
