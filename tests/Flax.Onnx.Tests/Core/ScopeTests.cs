using System.Collections.ObjectModel;

namespace Flax.Tests.Scopes;

/// <summary>
/// Flax's <c>tests/core/core_scope_test.py</c>, one method per upstream test; the filter cases
/// (#2-#6) are in <see cref="FilterTests"/>. Expected keys come from an independent pure-Python
/// threefry and SHA-1 derivation of <c>flax/core/scope.py</c>'s <c>_fold_in_static</c>.
/// </summary>
[TestClass]
public sealed class ScopeTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    [TestMethod]
    public void Rng()
    {
        int F(Scope scope)
        {
            Assert.IsTrue(scope.HasRng("params"));
            Assert.IsFalse(scope.HasRng("dropout"));
            var rng = scope.MakeRng("params");
            Assert.AreEqual(LazyRng.Create(Key0, separator: false).Extend(1).AsKey(), rng);
            Assert.AreEqual(new PrngKey(0x5527B11E, 0xC7BE436D), rng);
            return 0;
        }
        Core.Init(F)(Key0);
    }

    [TestMethod]
    public void InconsistentParamShapes()
    {
        int F(Scope scope)
        {
            scope.Param<NDArray>("test", TestInitializers.Ones, [4]);
            return 0;
        }
        var variables = new VariableDict(("params", new VariableDict(("test", NDArray.Ones(DType.Float32, 2)))));
        var error = Assert.ThrowsExactly<ScopeParamShapeException>(() => Core.Apply(F)(variables));
        Assert.AreEqual("For parameter \"test\" in \"/\", the given initializer is expected to generate shape (4,), but the existing parameter it received has shape (2,).", error.Message);
    }

    [TestMethod]
    public void ApplyVariablesBadPytree()
    {
        int F(Scope scope)
        {
            scope.Param<NDArray>("kernel", TestInitializers.Ones, [4]);
            return 0;
        }
        var parameters = new VariableDict(("params", new VariableDict(("kernel", NDArray.Ones(DType.Float32, 4)))));
        Core.Apply(F)(parameters);
        var error = Assert.ThrowsExactly<ApplyScopeInvalidVariablesStructureException>(() => Core.Apply(F)(new VariableDict(("params", parameters))));
        Assert.AreEqual("Expect the `variables` (first argument) passed to apply() to be a dict with the structure {\"params\": ...}, but got a dict with an extra params layer, i.e.  {\"params\": {\"params\": ... } }. You should instead pass in your dict's [\"params\"].", error.Message);
    }

    [TestMethod]
    public void MutateUndefinedCollection()
    {
        int F(Scope scope)
        {
            scope.PutVariable("state", "test", 123);
            return 0;
        }
        var error = Assert.ThrowsExactly<ModifyScopeVariableException>(() => Core.Init(F, mutable: "params")(Key0));
        Assert.AreEqual("Cannot update variable \"test\" in \"/\" because collection \"state\" is immutable.", error.Message);
    }

    [TestMethod]
    public void UndefinedParam()
    {
        NDArray F(Scope scope) => TestInitializers.Dense(scope.Push("dense"), NDArray.Ones(DType.Float32, 1, 2), 2);
        var variables = new VariableDict(("params", new VariableDict(("abc", 1))));
        var error = Assert.ThrowsExactly<ScopeParamNotFoundException>(() => Core.Apply(F)(variables));
        Assert.AreEqual("Could not find parameter named \"kernel\" in scope \"/dense\".", error.Message);
    }

    [TestMethod]
    public void VariableIsMutable()
    {
        int F(Scope scope, bool shouldBeMutable)
        {
            var test = scope.Variable("state", "test", () => 1);
            Assert.AreEqual(shouldBeMutable, test.IsMutable);
            return 0;
        }
        var (_, variables) = Core.Apply(scope => F(scope, true), mutable: "state")(VariableDict.Empty);
        Core.Apply(scope => F(scope, false))(variables);
    }

    [TestMethod]
    public void RngsCheckWFrozenDict()
    {
        var frozen = new ReadOnlyDictionary<string, PrngKey>(new Dictionary<string, PrngKey> { ["a"] = Key0 });
        var x = NDArray.From([0f], 1);
        Assert.AreSame(x, Core.Apply(scope => x)(VariableDict.Empty, new Rngs(frozen)));
    }

    [TestMethod]
    public void RngCheckWOldAndNewKeys()
    {
        // Flax accepts a typed key and raw uint32[2] key data, and rejects key arrays from split. A PrngKey holds the raw
        // key data of either kind; a key array (PrngKey[]) has no conversion to Rngs, so the rejected cases cannot be written.
        Rngs typed = PrngKey.Create(0);
        Rngs raw = new PrngKey(0, 0);
        Rngs split = Key0.Split()[1];
        Assert.AreEqual(Key0, typed["params"]);
        Assert.AreEqual(Key0, raw["params"]);
        Assert.AreEqual(Key0.FoldIn(1), split["params"]);
        Assert.AreEqual(Core.Bind(VariableDict.Empty, typed).MakeRng(), Core.Bind(VariableDict.Empty, raw).MakeRng());
    }

    [TestMethod]
    public void RngCheckWLazyRng()
    {
        var lazy = LazyRng.Create(Key0, separator: false).Extend(1);
        Assert.AreEqual(new PrngKey(0x5527B11E, 0xC7BE436D), lazy.AsKey());
        Assert.AreEqual(new PrngKey(0xCE090F83, 0xE6DBBEC3), LazyRng.Create(Key0, separator: false).Extend(2).AsKey());
    }

    [TestMethod]
    public void JaxLeakDetector()
    {
        Scope? inner = null;
        int G(Scope scope)
        {
            inner = scope;
            return 0;
        }
        Scope? root = null;
        int F(Scope scope)
        {
            root = scope;
            return scope.Child(G)();
        }
        var (_, variables) = Core.Init(F)(Key0);
        TreeAssert.AreEqual(VariableDict.Empty, variables);
        Assert.IsTrue(root!.Invalid);
        Assert.AreEqual("/G_0", inner!.PathText);
    }

    [TestMethod]
    public void RngCounterReuse()
    {
        var root = new Scope(Dict(), new Rngs(("dropout", Key0)));
        PrngKey f(Scope scope) => scope.MakeRng("dropout");
        var a = root.Child(f)();
        root = root.Rewound();
        var b = root.Child(f)();
        Assert.AreNotEqual(a, b);
        Assert.AreEqual(new PrngKey(0x6AABEADC, 0x80BB16E4), a);
        Assert.AreEqual(new PrngKey(0x59D23E55, 0x256FCDFB), b);
    }

    [TestMethod]
    public void EmptyColError()
    {
        var noCollection = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() => new Scope(Dict()).Param<NDArray>("test", TestInitializers.Zeros, []));
        Assert.AreEqual("Tried to access \"test\" from collection \"params\" in \"/\" but the collection is empty.", noCollection.Message);
        var emptyCollection = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() => new Scope(Dict(("params", Dict()))).Param<NDArray>("test", TestInitializers.Zeros, []));
        Assert.AreEqual("Tried to access \"test\" from collection \"params\" in \"/\" but the collection is empty.", emptyCollection.Message);
        var noState = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() => new Scope(Dict(("params", Dict(("abc", 1))))).Variable("state", "test", () => NDArray.Zeros(DType.Float32)));
        Assert.AreEqual("Tried to access \"test\" from collection \"state\" in \"/\" but the collection is empty.", noState.Message);
        var emptyState = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() => new Scope(Dict(("state", Dict()))).Variable("state", "test", () => NDArray.Zeros(DType.Float32)));
        Assert.AreEqual("Tried to access \"test\" from collection \"state\" in \"/\" but the collection is empty.", emptyState.Message);
    }

    [TestMethod]
    public void VariableNoInit()
    {
        var empty = Assert.ThrowsExactly<ScopeCollectionNotFoundException>(() => new Scope(Dict(), mutable: "state").Variable<int>("state", "test"));
        Assert.AreEqual("Tried to access \"test\" from collection \"state\" in \"/\" but the collection is empty.", empty.Message);
        var root = new Scope(Dict(("state", Dict(("abc", 1)))), mutable: "state");
        Assert.AreEqual(1, root.Variable<int>("state", "abc").Value);
        var missing = Assert.ThrowsExactly<ScopeVariableNotFoundException>(() => root.Variable<int>("state", "test"));
        Assert.AreEqual("No Variable named \"test\" for collection \"state\" exists in \"/\".", missing.Message);
    }

    [TestMethod]
    public void VariableAlias()
    {
        var scope = new Scope(Dict(), mutable: "state");
        var sub = scope.Push(name: "a");
        sub.PutVariable("state", "x", 0.0f);
        scope.PutVariable("state", "a", Dict(("x", NDArray.Scalar(1.0f))));
        var viaRoot = ((VariableDict)((VariableDict)scope.Variables()["state"])["a"])["x"];
        var viaChild = ((VariableDict)sub.Variables()["state"])["x"];
        Assert.AreSame(viaRoot, viaChild);
        Assert.AreEqual(1.0f, ((NDArray)viaChild).Item<float>());
    }

    [TestMethod]
    public void LazyInit()
    {
        int F(Scope scope, TensorSpec x)
        {
            var features = x.Shape[^1];
            scope.Param<NDArray>("kernel", TestInitializers.Ones, [features, features]);
            return 0;
        }
        var variables = Core.LazyInit(scope => F(scope, new TensorSpec(DType.Float32, 1024 * 1024 * 1024, 128)))(Key0);
        var kernel = (NDArray)((VariableDict)variables["params"])["kernel"];
        CollectionAssert.AreEqual(new[] { 128, 128 }, kernel.Shape);
    }

    [TestMethod]
    public void LazyInitFailsOnDataDependence()
    {
        int F(Scope scope, TensorSpec x)
        {
            scope.Param("kernel", _ => x);
            return 0;
        }
        var error = Assert.ThrowsExactly<LazyInitException>(() => Core.LazyInit(scope => F(scope, new TensorSpec(DType.Float32, 8, 4)))(Key0));
        Assert.AreEqual("Lazy init encountered a value that could with the given inputs (shape: ShapeDtypeStruct(shape=(8, 4), dtype=float32)).", error.Message);
    }

    [TestMethod]
    public void FoldInStaticSeperator()
    {
        static PrngKey Fold(bool separator, params object[] parts) => LazyRng.Create(Key0, separator).Extend(parts).AsKey();
        Assert.AreNotEqual(Fold(true, "ab", "c"), Fold(true, "a", "bc"));
        Assert.AreEqual(Fold(false, "ab", "c"), Fold(false, "a", "bc"));
        Assert.AreEqual(new PrngKey(0xEEE21CAA, 0xE03AF920), Fold(false, "ab", "c"));
    }

    internal static OrderedDictionary<string, object> Dict(params (string Key, object Value)[] items)
    {
        var dict = new OrderedDictionary<string, object>();
        foreach (var (key, value) in items) dict.Add(key, value);
        return dict;
    }
}
