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

    /// <summary><c>test_jit_cache</c>: the body is traced once per signature (init twice: once; apply: once more, and
    /// not again; apply with <c>intermediates</c> mutable: once more), and what it writes still comes out.</summary>
    [TestMethod]
    public void JitCache()
    {
        int compiles = 0;
        var f = Flax.Lift.Jit<Tensor, Tensor>((scope, x) =>
        {
            compiles++;
            if (scope.IsMutableCollection("intermediates") && !scope.IsMutableCollection("params"))
                scope.PutVariable("intermediates", "x", x + 1f);
            return Flax.Nn.Dense(scope, x, 1);
        });
        var x = NDArray.Ones(DType.Float32, 3, 2);
        var (y, variables) = Core.Init((s, h) => f(s, h))(Key0, x);
        var (y2, _) = Core.Init((s, h) => f(s, h))(Key0, x);
        Assert.AreEqual(1, compiles);
        CollectionAssert.AreEqual(y.ToArray<float>(), y2.ToArray<float>());
        var applied = Core.Apply((s, h) => f(s, h))(variables, x);
        Assert.AreEqual(2, compiles);
        CollectionAssert.AreEqual(y.ToArray<float>(), applied.ToArray<float>());
        Core.Apply((s, h) => f(s, h))(variables, x);
        Assert.AreEqual(2, compiles);
        var (_, state) = Core.Apply((s, h) => f(s, h), "intermediates")(variables, x);
        Assert.AreEqual(3, compiles);
        Assert.AreEqual(12f, ((NDArray)state.Flatten()["intermediates/x"]).ToArray<float>().Sum());
    }

    /// <summary>A cache hit replays the PRNG counter changes of the first trace: the jitted dense draws counters 1 and 2
    /// of the root, so a parameter created after it gets counter 3 whether the call traced or replayed.</summary>
    [TestMethod]
    public void JitCacheReplaysCounterChanges()
    {
        var f = Flax.Lift.Jit<Tensor, Tensor>((scope, x) => Flax.Nn.Dense(scope, x, 1));
        var keys = new List<NDArray>();
        for (int call = 0; call < 2; call++)
        {
            var (_, variables) = Core.Init((s, h) =>
            {
                var y = f(s, h);
                return y + s.Param<Tensor>("after", Initializers.Normal(1.0), [1]);
            })(Key0, NDArray.Ones(DType.Float32, 1, 2));
            keys.Add((NDArray)variables.Flatten()["params/after"]);
        }
        CollectionAssert.AreEqual(keys[0].ToArray<float>(), keys[1].ToArray<float>());
        CollectionAssert.AreEqual(Initializers.Normal(1.0)(Key0.FoldInStatic(3), [1], DType.Float32).ToArray<float>(), keys[0].ToArray<float>());
    }
}
