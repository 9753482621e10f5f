namespace Flax.Tests.Scopes;

/// <summary>
/// Trees built from names or from the caller's mappings are bounded by <see cref="VariableDict.MaxDepth"/>: deeper
/// nesting (even a mapping that contains itself) is an <see cref="ArgumentException"/>, never a stack overflow, and
/// flattening costs no more than the paths it returns.
/// </summary>
[TestClass]
public sealed class VariableDictDepthTests
{
    private static object Chain(int levels, object leaf)
    {
        object tree = leaf;
        for (int i = 0; i < levels; i++) tree = new Dictionary<string, object> { ["a"] = tree };
        return tree;
    }

    [TestMethod]
    public void Construction_AcceptsMaxDepthAndRefusesOneMore()
    {
        var deepest = new VariableDict(((Dictionary<string, object>)Chain(VariableDict.MaxDepth, 1)).ToArray());
        Assert.AreEqual(VariableDict.MaxDepth, deepest.Flatten().Single().Key.Split('/').Length);

        var e = Assert.ThrowsExactly<ArgumentException>(() => new VariableDict(((Dictionary<string, object>)Chain(VariableDict.MaxDepth + 1, 1)).ToArray()));
        Assert.AreEqual($"The dictionary at \"{string.Join('/', Enumerable.Repeat("a", 64))}\" nests deeper than 64 levels, the most a VariableDict holds (does a mapping contain itself?). (Parameter 'items')", e.Message);
    }

    [TestMethod]
    public void Construction_RefusesAMappingThatContainsItself()
    {
        var loop = new Dictionary<string, object>();
        loop["self"] = loop;

        var e = Assert.ThrowsExactly<ArgumentException>(() => new VariableDict(("root", loop)));
        StringAssert.EndsWith(e.Message, "nests deeper than 64 levels, the most a VariableDict holds (does a mapping contain itself?). (Parameter 'items')");
        var pretty = Assert.ThrowsExactly<ArgumentException>(() => VariableDict.PrettyRepr(loop));
        Assert.AreEqual("The tree nests mappings deeper than 64 levels, the most a variable tree holds (does a mapping contain itself?).", pretty.Message);
        Assert.ThrowsExactly<ArgumentException>(() => VariableDict.Empty.Copy([KeyValuePair.Create("x", (object)loop)]));
    }

    [TestMethod]
    public void Construction_RefusesNestingAFrozenDictionaryPastTheLimit()
    {
        var full = new VariableDict(((Dictionary<string, object>)Chain(VariableDict.MaxDepth, 1)).ToArray());

        var e = Assert.ThrowsExactly<ArgumentException>(() => new VariableDict(("top", full)));
        Assert.AreEqual("The dictionary at \"top\" nests deeper than 64 levels, the most a VariableDict holds (does a mapping contain itself?). (Parameter 'items')", e.Message);
        Assert.ThrowsExactly<ArgumentException>(() => full.Copy([KeyValuePair.Create("b", (object)full)]));
    }

    [TestMethod]
    public void Unflatten_RefusesTooManyPartsWithoutRecursing()
    {
        string path = string.Concat(Enumerable.Repeat("a/", 19_000)) + "a";

        var e = Assert.ThrowsExactly<ArgumentException>(() => VariableDict.Unflatten([KeyValuePair.Create(path, (object)1)]));
        Assert.AreEqual($"Path \"{path[..200]}...\" has 19001 parts; a VariableDict nests at most 64 levels. (Parameter 'flat')", e.Message);
    }

    [TestMethod]
    public void Flatten_AllocatesAboutTheSizeOfItsPaths()
    {
        // 64 levels of 1,000-character keys with a leaf on each level: the paths total 2.1 M characters. Building each
        // level's prefix as its own string would allocate as much again.
        VariableDict tree = new(("leaf", 0));
        for (int level = 1; level < VariableDict.MaxDepth; level++)
            tree = new VariableDict((new string((char)('a' + level % 26), 1000), tree), ("leaf", level));
        var expected = tree.Flatten();
        long pathBytes = expected.Keys.Sum(k => 2L * k.Length);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var flat = tree.Flatten();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.HasCount(VariableDict.MaxDepth, flat);
        Assert.IsTrue(allocated < pathBytes * 5 / 4 + 64 * 1024, $"flattening {pathBytes} bytes of paths allocated {allocated} bytes");
    }
}
