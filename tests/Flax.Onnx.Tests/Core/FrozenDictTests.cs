namespace Flax.Tests.Scopes;

/// <summary>
/// Flax's <c>tests/core/core_frozen_dict_test.py</c> against <see cref="VariableDict"/>, plus the
/// flattening round trips Flax leaves to <c>traverse_util</c>.
/// </summary>
[TestClass]
public sealed class FrozenDictTests
{
    private static VariableDict Abc() => new(("a", 1), ("b", new VariableDict(("c", 2))));

    [TestMethod]
    public void FrozenDictCopies()
    {
        var inner = new Dictionary<string, object> { ["c"] = 2 };
        var xs = new Dictionary<string, object> { ["a"] = 1, ["b"] = inner };
        var frozen = VariableDict.Freeze(xs);
        xs["a"] = 2;
        inner["c"] = 3;
        TreeAssert.AreEqual(Abc(), frozen);
        Assert.AreEqual(1, frozen.Unfreeze()["a"]);
    }

    [TestMethod]
    public void FrozenDictMaps()
    {
        var doubled = Abc().Map(x => (int)x + (int)x);
        TreeAssert.AreEqual(new VariableDict(("a", 2), ("b", new VariableDict(("c", 4)))), doubled);
    }

    [TestMethod]
    public void FrozenDictPop()
    {
        var (b, a) = Abc().Pop("a");
        Assert.AreEqual(1, a);
        TreeAssert.AreEqual(new VariableDict(("b", new VariableDict(("c", 2)))), b);
    }

    [TestMethod]
    public void FrozenDictPartiallyMaps()
    {
        var x = new VariableDict(("a", 2));
        var y = new VariableDict(("a", new VariableDict(("b", 1))));
        var z = x.Map(y, (l, r) => (l, r));
        TreeAssert.AreEqual(new VariableDict(("a", ((object)2, (object)new VariableDict(("b", 1))))), z);
    }

    [TestMethod]
    public void FrozenDictHash()
    {
        var a = new VariableDict(("a", 1), ("b", new VariableDict(("c", 2))));
        var b = new VariableDict(("a", 1), ("b", new VariableDict(("c", 3))));
        Assert.AreNotEqual(a.GetHashCode(), b.GetHashCode());
    }

    [TestMethod]
    public void FrozenItems()
    {
        var items = Abc().ToList();
        CollectionAssert.AreEqual(new[] { "a", "b" }, items.Select(kv => kv.Key).ToArray());
        Assert.AreEqual(1, items[0].Value);
        Assert.IsInstanceOfType<VariableDict>(items[1].Value);
        TreeAssert.AreEqual(new VariableDict(("c", 2)), items[1].Value);
    }

    [TestMethod]
    public void FrozenDictRepr()
    {
        var d = new VariableDict(("a", 1), ("b", new VariableDict(("c", 2), ("d", VariableDict.Empty))));
        Assert.AreEqual("VariableDict({\n    a: 1,\n    b: {\n        c: 2,\n        d: {},\n    },\n})", d.ToString());
        Assert.AreEqual("VariableDict({})", VariableDict.Empty.ToString());
    }

    [TestMethod]
    public void FrozenDictReduce()
    {
        var before = new VariableDict(("a", new VariableDict(("b", 1), ("c", 2))));
        var after = VariableDict.Freeze(before.Unfreeze());
        Assert.AreNotSame(before, after);
        TreeAssert.AreEqual(before, after);
        TreeAssert.AreEqual(new VariableDict(("a", new VariableDict(("b", 1), ("c", 2)))), after);
    }

    [TestMethod]
    public void FrozenDictCopyReservedName()
    {
        var result = new VariableDict(("a", 1)).Copy([KeyValuePair.Create("cls", (object)2)]);
        TreeAssert.AreEqual(new VariableDict(("a", 1), ("cls", 2)), result);
    }

    [TestMethod]
    public void UtilityPop()
    {
        var (rest, value) = new VariableDict(("a", 1), ("b", new VariableDict(("c", 2)))).Pop("b");
        TreeAssert.AreEqual(new VariableDict(("a", 1)), rest);
        Assert.IsInstanceOfType<VariableDict>(value);
        TreeAssert.AreEqual(new VariableDict(("c", 2)), value);
        var missing = Assert.ThrowsExactly<KeyNotFoundException>(() => rest.Pop("b"));
        Assert.AreEqual("Key \"b\" not found; keys are: a.", missing.Message);
    }

    [TestMethod]
    public void UtilityCopy()
    {
        var x = new VariableDict(("a", 1), ("b", new VariableDict(("c", 2))));
        var replacement = new Dictionary<string, object> { ["c"] = -1, ["d"] = 3 };
        var y = x.Copy([KeyValuePair.Create("b", (object)replacement)]);
        replacement["c"] = 0;
        TreeAssert.AreEqual(new VariableDict(("a", 1), ("b", new VariableDict(("c", -1), ("d", 3)))), y);
        Assert.IsInstanceOfType<VariableDict>(y["b"]);
        TreeAssert.AreEqual(Abc(), x);
    }

    [TestMethod]
    public void UtilityCopySinglearg()
    {
        var x = Abc();
        var y = x.Copy();
        TreeAssert.AreEqual(x, y);
        Assert.IsInstanceOfType<VariableDict>(y);
    }

    [TestMethod]
    public void UtilityPrettyRepr()
    {
        var mutable = Abc().Unfreeze();
        Assert.AreEqual("{\n    a: 1,\n    b: {\n        c: 2,\n    },\n}", VariableDict.PrettyRepr(mutable));
        Assert.AreEqual("VariableDict({\n    a: 1,\n    b: {\n        c: 2,\n    },\n})", VariableDict.PrettyRepr(Abc()));
        Assert.AreEqual("345", VariableDict.PrettyRepr(345));
        Assert.AreEqual("{\n  s: 'x',\n}", VariableDict.PrettyRepr(new VariableDict(("s", "x")).Unfreeze(), numSpaces: 2));
    }

    [TestMethod]
    public void Flatten()
    {
        var x = new VariableDict(("c", 1), ("b", new VariableDict(("a", 2))));
        CollectionAssert.AreEqual(new object[] { 2, 1 }, Trees.Leaves(x).ToArray());
        var flat = x.Flatten();
        CollectionAssert.AreEqual(new[] { "c", "b/a" }, flat.Keys.ToArray());
        CollectionAssert.AreEqual(new object[] { 1, 2 }, flat.Values.ToArray());
        TreeAssert.AreEqual(x, VariableDict.Unflatten(flat));
    }

    [TestMethod]
    public void FlattenUnflattenRoundTrip()
    {
        var kernel = NDArray.From([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var variables = new VariableDict(
            ("params", new VariableDict(("Dense_0", new VariableDict(("kernel", kernel), ("bias", NDArray.Zeros(DType.Float32, 3)))))),
            ("batch_stats", new VariableDict(("bn", new VariableDict(("mean", 0.5), ("count", 3))))));
        var flat = variables.Flatten();
        CollectionAssert.AreEqual(
            new[] { "params/Dense_0/kernel", "params/Dense_0/bias", "batch_stats/bn/mean", "batch_stats/bn/count" },
            flat.Keys.ToArray());
        Assert.AreSame(kernel, flat["params/Dense_0/kernel"]);
        var back = VariableDict.Unflatten(flat);
        TreeAssert.AreEqual(variables, back);
        CollectionAssert.AreEqual(flat.Keys.ToArray(), back.Flatten().Keys.ToArray());
    }

    [TestMethod]
    public void FlattenDropsEmptyDictionaries()
    {
        var x = new VariableDict(("params", VariableDict.Empty), ("state", new VariableDict(("n", 1))));
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("n", 1)))), VariableDict.Unflatten(x.Flatten()));
    }

    [TestMethod]
    public void FlattenRejectsAmbiguousKeys()
    {
        var slash = Assert.ThrowsExactly<InvalidOperationException>(() => new VariableDict(("a", new VariableDict(("b/c", 1)))).Flatten());
        Assert.AreEqual("Cannot flatten key \"a/b/c\": keys must be non-empty and contain no '/'.", slash.Message);
        Assert.ThrowsExactly<InvalidOperationException>(() => new VariableDict(("", 1)).Flatten());
    }

    [TestMethod]
    public void UnflattenRejectsConflicts()
    {
        var leafFirst = Assert.ThrowsExactly<ArgumentException>(() => VariableDict.Unflatten(Flat(("a", 1), ("a/b", 2))));
        Assert.AreEqual("Path \"a/b\" goes through \"a\", which is a leaf. (Parameter 'flat')", leafFirst.Message);
        var nodeFirst = Assert.ThrowsExactly<ArgumentException>(() => VariableDict.Unflatten(Flat(("a/b", 1), ("a", 2))));
        Assert.AreEqual("Path \"a\" is given twice or is a prefix of another path. (Parameter 'flat')", nodeFirst.Message);
        var empty = Assert.ThrowsExactly<ArgumentException>(() => VariableDict.Unflatten(Flat(("a//b", 1))));
        Assert.AreEqual("Path \"a//b\" has an empty part. (Parameter 'flat')", empty.Message);
    }

    [TestMethod]
    public void EqualityIsByContentAndIgnoresOrder()
    {
        var a = new VariableDict(("x", NDArray.From([1f, 2f], 2)), ("y", new[] { 1, 2 }));
        var b = new VariableDict(("y", new[] { 1, 2 }), ("x", NDArray.From([1f, 2f], 2)));
        TreeAssert.AreEqual(a, b);
        Assert.AreEqual(a.GetHashCode(), b.GetHashCode());
        TreeAssert.AreNotEqual(a, new VariableDict(("x", NDArray.From([1f, 3f], 2)), ("y", new[] { 1, 2 })));
        TreeAssert.AreNotEqual(a, new VariableDict(("x", NDArray.From([1f, 2f], 1, 2)), ("y", new[] { 1, 2 })));
        TreeAssert.AreNotEqual(new VariableDict(("x", 1)), new VariableDict(("x", new VariableDict(("y", 1)))));
        TreeAssert.AreNotEqual(new VariableDict(("x", new VariableDict(("y", 1)))), new VariableDict(("x", 1)));
    }

    [TestMethod]
    public void UnfreezeIsADeepMutableCopy()
    {
        var frozen = Abc();
        var thawed = frozen.Unfreeze();
        ((OrderedDictionary<string, object>)thawed["b"])["c"] = 5;
        thawed["z"] = 0;
        TreeAssert.AreEqual(Abc(), frozen);
    }

    [TestMethod]
    public void ConstructionErrors()
    {
        var duplicate = Assert.ThrowsExactly<ArgumentException>(() => new VariableDict(("a", 1), ("a", 2)));
        Assert.AreEqual("Duplicate key \"a\". (Parameter 'key')", duplicate.Message);
        var nullLeaf = Assert.ThrowsExactly<ArgumentException>(() => new VariableDict(("a", null!)));
        Assert.AreEqual("The value of \"a\" is null; variable dictionaries hold no null leaves. (Parameter 'value')", nullLeaf.Message);
        var nullCopy = Assert.ThrowsExactly<ArgumentException>(() => Abc().Copy([KeyValuePair.Create("a", (object)null!)]));
        Assert.AreEqual("The value of \"a\" is null. (Parameter 'addOrReplace')", nullCopy.Message);
        var missing = Assert.ThrowsExactly<KeyNotFoundException>(() => Abc()["z"]);
        Assert.AreEqual("Key \"z\" not found; keys are: a, b.", missing.Message);
    }

    [TestMethod]
    public void PartialMapRequiresAPrefix()
    {
        var missing = Assert.ThrowsExactly<ArgumentException>(() => Abc().Map(new VariableDict(("a", 1)), (l, r) => l));
        Assert.AreEqual("The second tree has no key \"b\"; the first tree must be a prefix of it. (Parameter 'other')", missing.Message);
        var leaf = Assert.ThrowsExactly<ArgumentException>(() => Abc().Map(new VariableDict(("a", 1), ("b", 2)), (l, r) => l));
        Assert.AreEqual("The second tree has a leaf at \"b\" where the first has a dictionary. (Parameter 'other')", leaf.Message);
    }

    private static IEnumerable<KeyValuePair<string, object>> Flat(params (string Key, object Value)[] items) =>
        items.Select(kv => KeyValuePair.Create(kv.Key, kv.Value));
}
