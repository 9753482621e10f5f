namespace Flax.Tests.Scopes;

/// <summary>Scope naming, PRNG derivation and validity that Flax's suite leaves untested (<c>flax/core/scope.py</c>: <c>Scope.push</c>, <c>make_rng</c>, <c>LazyRng</c>), against Flax's documented behaviour and keys derived independently (pure-Python threefry and SHA-1).</summary>
[TestClass]
public sealed class ScopeNamesAndRngsTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    [TestMethod]
    public void RewoundSharesCountersUnlessRewinding()
    {
        var scope = Core.Bind(VariableDict.Empty, Key0);
        Assert.AreEqual(new PrngKey(0x5527B11E, 0xC7BE436D), scope.MakeRng());
        var shared = scope.Rewound();
        Assert.AreEqual(new PrngKey(0xCE090F83, 0xE6DBBEC3), shared.MakeRng(), "the copy continues the counter");
        Assert.AreEqual(shared, scope);
        var fresh = scope.Rewound(rewindRngs: true);
        Assert.AreEqual(new PrngKey(0x5527B11E, 0xC7BE436D), fresh.MakeRng(), "the counter restarts");
        Assert.AreNotEqual(fresh, scope);
    }

    [TestMethod]
    public void RewindingForgetsChildCounters()
    {
        var scope = Core.Bind(VariableDict.Empty, Key0);
        var first = scope.Push("dense_0").MakeRng();
        Assert.AreEqual(new PrngKey(0xC1E69484, 0x60CAA949), first);
        Assert.AreEqual(new PrngKey(0xE7E8A1E6, 0x9BB76009), scope.Rewound().Push("dense_0").MakeRng());
        Assert.AreEqual(first, scope.Rewound(rewindRngs: true).Push("dense_0").MakeRng());
    }

    [TestMethod]
    public void ChildDefaultNames()
    {
        var scope = Core.Bind(VariableDict.Empty);
        string Dense(Scope s) => s.PathText;
        Assert.AreEqual("/Dense_0", scope.Child(Dense)());
        Assert.AreEqual("/Dense_1", scope.Child(Dense)());
        Assert.AreEqual("/0", scope.Child((Scope s) => s.PathText)());
        Assert.AreEqual("/1", scope.Child((Scope s, int i) => s.PathText)(0));
        Assert.AreEqual("/hidden_0", scope.Child(Dense, prefix: "hidden_")());
        Assert.AreEqual("/out", scope.Child((Scope s, int a, int b) => s.PathText, name: "out")(1, 2));
        Assert.AreEqual("/Instance_0", scope.Child(Instance)());
        Assert.AreEqual("Instance", Scope.NameHint(Instance));
    }

    private static string Instance(Scope s) => s.PathText;

    [TestMethod]
    public void ChildReservesItsNameAtOnceAndRewindsOnEveryCall()
    {
        var scope = Core.Bind(VariableDict.Empty, Key0, mutable: true);
        PrngKey Layer(Scope s)
        {
            s.Param("w", key => key);
            return s.MakeRng("dropout");
        }
        var layer = scope.Child(Layer, "layer");
        var duplicate = Assert.ThrowsExactly<DuplicateScopeNameException>(() => scope.Push("layer"));
        Assert.AreEqual("Duplicate use of scope name: \"layer\"", duplicate.Message);
        Assert.AreNotEqual(layer(), layer(), "each call redeclares w and draws a new key");
        Assert.HasCount(1, (VariableDict)scope.Variables()["params"]);
    }

    [TestMethod]
    public void ReservationRules()
    {
        var scope = Core.Bind(VariableDict.Empty);
        scope.Reserve("x", "params");
        scope.Reserve("x", "state");
        Assert.IsTrue(scope.NameReserved("x"));
        Assert.IsTrue(scope.NameReserved("x", "params"));
        Assert.IsFalse(scope.NameReserved("x", "cache"));
        var sameCollection = Assert.ThrowsExactly<DuplicateScopeNameException>(() => scope.Reserve("x", "params"));
        Assert.AreEqual("Duplicate use of scope name: \"x\"", sameCollection.Message);
        Assert.ThrowsExactly<DuplicateScopeNameException>(() => scope.Push("x"));
        scope.Push("y");
        Assert.IsTrue(scope.NameReserved("y", "params"));
        Assert.ThrowsExactly<DuplicateScopeNameException>(() => scope.Reserve("y", "params"));
        Assert.AreEqual(scope.Push("y", reuse: true), scope.Push("y", reuse: true));
        Assert.AreEqual("x0", scope.DefaultName("x"));
        scope.Reserve("x0", "state");
        Assert.AreEqual("x1", scope.DefaultName("x"), "any use of a name skips it");
    }

    [TestMethod]
    public void InvalidScopeRefusesWrites()
    {
        Scope? root = null, child = null;
        int F(Scope scope)
        {
            root = scope;
            child = scope.Push("dense");
            scope.PutVariable("state", "n", 1);
            return 0;
        }
        var (_, mutated) = Core.Apply(F, mutable: "state")(VariableDict.Empty, Key0);
        const string message = "The scope \"None\" is no longer valid.";
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidScopeException>(() => root!.PutVariable("state", "n", 2)).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidScopeException>(() => root!.Push("other")).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidScopeException>(() => root!.Rewound()).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidScopeException>(() => root!.MakeRng()).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidScopeException>(() => root!.Variable("state", "m", () => 0)).Message);
        Assert.AreEqual(1, root!.GetVariable("state", "n"), "reads still work, as in Flax");
        Assert.IsTrue(root.HasVariable("state", "n"));
        TreeAssert.AreEqual(mutated, root.Variables());
        Assert.IsFalse(child!.Invalid, "only the root is invalidated");
        child.Invalidate();
        Assert.AreEqual("The scope \"dense\" is no longer valid.", Assert.ThrowsExactly<InvalidScopeException>(() => child.PutVariable("state", "n", 2)).Message);
    }

    [TestMethod]
    public void TemporaryInvalidatesOnDispose()
    {
        var scope = Core.Bind(VariableDict.Empty);
        using (scope.Temporary()) Assert.IsFalse(scope.Invalid);
        Assert.IsTrue(scope.Invalid);
    }

    [TestMethod]
    public void MakeRngFallsBackToParams()
    {
        var scope = Core.Bind(VariableDict.Empty, Key0);
        Assert.AreEqual(new PrngKey(0x5527B11E, 0xC7BE436D), scope.MakeRng("dropout"));
        Assert.AreEqual(new PrngKey(0xCE090F83, 0xE6DBBEC3), scope.MakeRng("params"), "the fallback advanced the params counter");
        var none = Core.Bind(VariableDict.Empty, new Rngs(("noise", Key0)));
        Assert.AreEqual("None needs PRNG for \"dropout\" (.NET: pass new Rngs((\"dropout\", key)) to Core.Apply, or rngs: to the Trainer)", Assert.ThrowsExactly<InvalidRngException>(() => none.MakeRng("dropout")).Message);
        Assert.AreEqual("dense needs PRNG for \"params\"", Assert.ThrowsExactly<InvalidRngException>(() => none.Push("dense").MakeRng()).Message);
    }

    [TestMethod]
    public void MakeRngFoldsThePathOnce()
    {
        var scope = Core.Bind(VariableDict.Empty, Key0);
        Assert.AreEqual(new PrngKey(0x4143A815, 0x4A0C275B), scope.Push("a").Push("b").MakeRng());
    }

    [TestMethod]
    public void ParamKeysMatchFlax()
    {
        (PrngKey, PrngKey) Dense(Scope scope) => (scope.Param("kernel", key => key), scope.Param("bias", key => key));
        var ((kernel, bias), variables) = Core.Init((Scope scope) => scope.Child(Dense, "dense_0")())(Key0);
        Assert.AreEqual(new PrngKey(0xC1E69484, 0x60CAA949), kernel);
        Assert.AreEqual(new PrngKey(0xE7E8A1E6, 0x9BB76009), bias);
        Assert.AreEqual(kernel, variables.Flatten()["params/dense_0/kernel"]);
    }

    [TestMethod]
    public void FixSeparatorOption()
    {
        static PrngKey Draw(Rngs rngs, string a, string b) => Core.Bind(VariableDict.Empty, rngs).Push(a).Push(b).MakeRng();
        var fixedRngs = new Rngs(Key0) { FixSeparator = true };
        Assert.AreEqual(Draw(Key0, "ab", "c"), Draw(Key0, "a", "bc"), "Flax's default hashes the path without separators");
        Assert.AreNotEqual(Draw(fixedRngs, "ab", "c"), Draw(fixedRngs, "a", "bc"));
    }

    [TestMethod]
    public void ScopeEquality()
    {
        var scope = Core.Bind(VariableDict.Empty);
        var a = scope.Push("a");
        Assert.AreEqual(a, a.Rewound());
        Assert.AreEqual(a.GetHashCode(), a.Rewound().GetHashCode());
        Assert.AreNotEqual(a, scope.Push("b"));
        Assert.AreNotEqual(scope, Core.Bind(VariableDict.Empty));
        Assert.AreSame(scope, a.Root);
        Assert.AreSame(scope, a.Parent);
        CollectionAssert.AreEqual(new[] { "a", "c" }, a.Push("c").Path.ToArray());
        Assert.AreEqual("Scope(/a)", a.ToString());
    }
}
