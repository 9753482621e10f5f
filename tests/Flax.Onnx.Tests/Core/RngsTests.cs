namespace Flax.Tests.Scopes;

/// <summary>The <see cref="Rngs"/> argument of Init/Apply/Bind: Flax's "a key or a mapping of names to keys".</summary>
[TestClass]
public sealed class RngsTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);
    private static readonly PrngKey Key1 = PrngKey.Create(1);

    [TestMethod]
    public void ASingleKeyMeansParams()
    {
        Rngs rngs = Key1;
        CollectionAssert.AreEqual(new[] { "params" }, rngs.Keys.ToArray());
        Assert.AreEqual(Key1, rngs["params"]);
        Assert.IsFalse(rngs.FixSeparator);
    }

    [TestMethod]
    public void NamedKeysKeepTheirOrder()
    {
        var fromTuples = new Rngs(("params", Key0), ("dropout", Key1));
        Rngs fromDictionary = new Dictionary<string, PrngKey> { ["params"] = Key0, ["dropout"] = Key1 };
        CollectionAssert.AreEqual(new[] { "params", "dropout" }, fromTuples.Keys.ToArray());
        CollectionAssert.AreEqual(fromTuples.ToArray(), fromDictionary.ToArray());
        Assert.IsTrue(fromTuples.ContainsKey("dropout"));
        Assert.IsTrue(fromTuples.TryGetValue("dropout", out var dropout));
        Assert.AreEqual(Key1, dropout);
        Assert.HasCount(2, fromTuples);
    }

    [TestMethod]
    public void EachSequenceDrawsFromItsOwnKey()
    {
        var scope = Core.Bind(VariableDict.Empty, new Rngs(("params", Key1), ("dropout", Key0)));
        Assert.AreEqual(new PrngKey(0x5527B11E, 0xC7BE436D), scope.MakeRng("dropout"));
        Assert.AreEqual(Key1.FoldInStatic(1), scope.MakeRng("params"));
    }

    [TestMethod]
    public void Errors()
    {
        var duplicate = Assert.ThrowsExactly<ArgumentException>(() => new Rngs(("a", Key0), ("a", Key1)));
        Assert.AreEqual("Duplicate PRNG sequence name \"a\". (Parameter 'keys')", duplicate.Message);
        var missing = Assert.ThrowsExactly<KeyNotFoundException>(() => new Rngs(Key0)["dropout"]);
        Assert.AreEqual("No PRNG sequence \"dropout\".", missing.Message);
        Assert.AreEqual("keys", Assert.ThrowsExactly<ArgumentNullException>(() => new Rngs(((string, PrngKey)[])null!)).ParamName);
        Assert.AreEqual("keys", Assert.ThrowsExactly<ArgumentNullException>(() => new Rngs((null!, Key0))).ParamName);
    }
}
