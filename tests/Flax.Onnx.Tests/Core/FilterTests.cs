namespace Flax.Tests.Scopes;

/// <summary>The filter cases of Flax's <c>tests/core/core_scope_test.py</c> (#2-#6) and the filter algebra of <c>flax/core/scope.py</c> (<c>in_filter</c>, <c>union_filters</c>, <c>intersect_filters</c>, <c>subtract_filters</c>).</summary>
[TestClass]
public sealed class FilterTests
{
    private static readonly Filter AB = new[] { "a", "b" };
    private static readonly Filter BC = new[] { "b", "c" };

    [TestMethod]
    public void InFilter()
    {
        Assert.IsTrue(Filter.All.Contains("any_string1"));
        Assert.IsFalse(Filter.Nothing.Contains("any_string2"));
        Assert.IsTrue(((Filter)"exact_match").Contains("exact_match"));
        Assert.IsFalse(((Filter)"no_match1").Contains("no_match2"));
        Assert.IsTrue(((Filter)new[] { "one", "two" }).Contains("one"));
        Assert.IsFalse(((Filter)new[] { "one", "two" }).Contains("three"));
        Assert.IsFalse(Filter.Of().Contains("one"));
        Assert.IsFalse(Filter.Of().Contains(null));
    }

    [TestMethod]
    public void UnionFilter()
    {
        AssertSymmetric(Filter.Union, AB, BC, Filter.Of("a", "b", "c"));
        AssertSymmetric(Filter.Union, true, false, true);
        AssertSymmetric(Filter.Union, false, false, Filter.Of());
        AssertSymmetric(Filter.Union, true, true, true);
        AssertSymmetric(Filter.Union, Filter.Deny(AB), Filter.Deny(BC), Filter.Deny(Filter.Of("b")));
        AssertSymmetric(Filter.Union, Filter.Deny(AB), BC, Filter.Deny(Filter.Of("a")));
    }

    [TestMethod]
    public void IntersectFilter()
    {
        AssertSymmetric(Filter.Intersect, AB, BC, Filter.Of("b"));
        AssertSymmetric(Filter.Intersect, true, false, false);
        AssertSymmetric(Filter.Intersect, false, false, Filter.Of());
        AssertSymmetric(Filter.Intersect, true, true, true);
        AssertSymmetric(Filter.Intersect, Filter.Deny(AB), Filter.Deny(BC), Filter.Deny(Filter.Of("a", "b", "c")));
        AssertSymmetric(Filter.Intersect, Filter.Deny(AB), BC, Filter.Of("c"));
    }

    [TestMethod]
    public void SubtractFilter()
    {
        Assert.AreEqual(Filter.Of("a"), Filter.Subtract(AB, BC));
        Assert.AreEqual(Filter.Deny(false), Filter.Subtract(true, false));
        Assert.AreEqual(Filter.Of(), Filter.Subtract(false, false));
        Assert.AreEqual(Filter.Nothing, Filter.Subtract(true, true));
        Assert.AreEqual(Filter.Deny("a"), Filter.Subtract(true, "a"));
        Assert.AreEqual(Filter.Of("c"), Filter.Subtract(Filter.Deny(AB), Filter.Deny(BC)));
        Assert.AreEqual(Filter.Deny(Filter.Of("a", "b", "c")), Filter.Subtract(Filter.Deny(AB), BC));
    }

    [TestMethod]
    public void GroupCollections()
    {
        var parameters = new VariableDict(("dense1", new VariableDict(("x", new[] { 10, 20 }))));
        var batchStats = new VariableDict(("dense1", new VariableDict(("ema", 5))));
        var xs = new VariableDict(("params", parameters), ("batch_stats", batchStats));

        CollectionAssert.AreEqual(new[] { new VariableDict(("params", parameters)), VariableDict.Empty }, Filters.GroupCollections(xs, "params", "params"));
        CollectionAssert.AreEqual(new[] { VariableDict.Empty }, Filters.GroupCollections(xs, "vars"));
        CollectionAssert.AreEqual(new[] { VariableDict.Empty, xs, VariableDict.Empty }, Filters.GroupCollections(xs, false, true, true));
    }

    [TestMethod]
    public void GroupCollectionsKeepsKeyOrder()
    {
        var xs = new VariableDict(("b", VariableDict.Empty), ("a", VariableDict.Empty), ("c", VariableDict.Empty));
        var groups = Filters.GroupCollections(xs, new[] { "c", "a" }, Filter.All);
        CollectionAssert.AreEqual(new[] { "a", "c" }, groups[0].Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "b" }, groups[1].Keys.ToArray());
    }

    [TestMethod]
    public void IsEmpty()
    {
        Assert.IsFalse(((Filter)"").IsEmpty);
        Assert.IsTrue(Filter.Of().IsEmpty);
        Assert.IsFalse(AB.IsEmpty);
        Assert.IsTrue(Filter.Nothing.IsEmpty);
        Assert.IsFalse(Filter.All.IsEmpty);
        Assert.IsTrue(Filter.Deny(true).IsEmpty);
        Assert.IsFalse(Filter.Deny(false).IsEmpty);
        Assert.IsFalse(Filter.Deny(AB).IsEmpty);
    }

    [TestMethod]
    public void DenyMatchesTheComplement()
    {
        Assert.IsTrue(Filter.Deny(false).Contains("x"));
        Assert.IsFalse(Filter.Deny(true).Contains("x"));
        Assert.IsFalse(Filter.Deny(AB).Contains("a"));
        Assert.IsTrue(Filter.Deny(AB).Contains("c"));
        Assert.IsTrue(Filter.Deny(Filter.Deny("a")).Contains("a"));
        Assert.IsFalse(Filter.Deny(Filter.Deny("a")).Contains("b"));
    }

    [TestMethod]
    public void ToSetOfFiniteFilters()
    {
        CollectionAssert.AreEqual(Array.Empty<string>(), Filter.Nothing.ToSet().ToArray());
        CollectionAssert.AreEqual(new[] { "a" }, ((Filter)"a").ToSet().ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b" }, Filter.Of("b", "a", "b").ToSet().ToArray());
    }

    [TestMethod]
    public void ToSetOfInfiniteFiltersThrows()
    {
        var all = Assert.ThrowsExactly<InvalidOperationException>(() => Filter.All.ToSet());
        Assert.AreEqual("Infinite set: the filter Filter.All matches unboundedly many names.", all.Message);
        var deny = Assert.ThrowsExactly<InvalidOperationException>(() => Filter.Deny("a").ToSet());
        Assert.AreEqual("Infinite set: the filter Filter.Deny(\"a\") matches unboundedly many names.", deny.Message);
    }

    [TestMethod]
    public void EqualityIsByValue()
    {
        Assert.AreEqual(Filter.Of("a", "b"), Filter.Of("b", "a"));
        Assert.AreEqual(Filter.Of("a", "b").GetHashCode(), Filter.Of("b", "a").GetHashCode());
        Assert.AreNotEqual(Filter.Of("a"), (Filter)"a");
        Assert.AreNotEqual(Filter.Of(), Filter.Nothing);
        Assert.AreNotEqual(Filter.Deny("a"), Filter.Deny(Filter.Of("a")));
        Assert.AreEqual(Filter.Deny(AB), Filter.Deny(Filter.Of("b", "a")));
    }

    [TestMethod]
    public void NullIsAnInvalidFilter()
    {
        var name = Assert.ThrowsExactly<InvalidFilterException>(() => (Filter)(string)null!);
        Assert.AreEqual("Invalid Filter: \"None\"", name.Message);
        var names = Assert.ThrowsExactly<InvalidFilterException>(() => Filter.Of("a", null!));
        Assert.AreEqual("Invalid Filter: \"None\"", names.Message);
        var union = Assert.ThrowsExactly<InvalidFilterException>(() => Filter.Union(null!, true));
        Assert.AreEqual("Invalid Filter: \"None\"", union.Message);
        Assert.ThrowsExactly<InvalidFilterException>(() => Filter.Deny(null!));
        Assert.ThrowsExactly<InvalidFilterException>(() => Filters.GroupCollections(VariableDict.Empty, (Filter)null!));
    }

    [TestMethod]
    public void PrintsAsSource()
    {
        Assert.AreEqual("Filter.Deny({\"a\", \"b\"})", Filter.Deny(Filter.Of("b", "a")).ToString());
        Assert.AreEqual("\"x\"", ((Filter)"x").ToString());
        Assert.AreEqual("Filter.Nothing", ((Filter)false).ToString());
    }

    private static void AssertSymmetric(Func<Filter, Filter, Filter> op, Filter a, Filter b, Filter expected)
    {
        Assert.AreEqual(expected, op(a, b), $"op({a}, {b})");
        Assert.AreEqual(expected, op(b, a), $"op({b}, {a})");
    }
}
