using static Flax.Tests.Scopes.ScopeTests;

namespace Flax.Tests.Scopes;

/// <summary>Scope variable storage, parameters, flags and Init/Apply rules that Flax's suite leaves untested (<c>flax/core/scope.py</c>: <c>Scope.variable</c>, <c>param</c>, <c>put_variable</c>, <c>apply</c>, <c>init</c>).</summary>
[TestClass]
public sealed class ScopeVariablesTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    [TestMethod]
    public void PutVariableOfDictOverChildSubtreeKeepsReferences()
    {
        var root = new Scope(Dict(), mutable: "state");
        var child = root.Push("a");
        child.PutVariable("state", "x", 0);
        child.PutVariable("state", "y", 1);
        root.PutVariable("state", "a", new VariableDict(("x", 10), ("z", 12)));
        Assert.AreEqual(10, child.GetVariable("state", "x"));
        Assert.AreEqual(1, child.GetVariable("state", "y"), "merging keeps keys the new dictionary lacks");
        Assert.AreEqual(12, child.GetVariable("state", "z"));
        child.PutVariable("state", "w", 3);
        TreeAssert.AreEqual(new VariableDict(("a", new VariableDict(("x", 10), ("y", 1), ("z", 12), ("w", 3)))), root.Variables()["state"]);
    }

    [TestMethod]
    public void PutVariableNeverChangesTheCallersDictionary()
    {
        var root = new Scope(Dict(), mutable: "state");
        var mine = new Dictionary<string, object> { ["x"] = 1 };
        root.PutVariable("state", "a", mine);
        root.Push("a").PutVariable("state", "y", 2);
        root.PutVariable("state", "a", new Dictionary<string, object> { ["x"] = 5 });
        CollectionAssert.AreEquivalent(new Dictionary<string, object> { ["x"] = 1 }, mine);
        TreeAssert.AreEqual(new VariableDict(("x", 5), ("y", 2)), root.GetVariable("state", "a"));
    }

    [TestMethod]
    public void FrozenSubtreeIsThawedWhenAChildWritesIntoIt()
    {
        var root = new Scope(Dict(), mutable: "state");
        root.PutVariable("state", "a", new VariableDict(("x", 1)));
        root.Push("a").PutVariable("state", "y", 2);
        TreeAssert.AreEqual(new VariableDict(("a", new VariableDict(("x", 1), ("y", 2)))), root.Variables()["state"]);
    }

    [TestMethod]
    public void ParamShapeCheckDoesNotRunTheInitializer()
    {
        int calls = 0;
        NDArray Counting(PrngKey key, int[] shape, DType dtype)
        {
            calls++;
            return NDArray.Zeros(dtype, shape);
        }
        var stored = NDArray.Ones(DType.Float64, 2, 3);
        var variables = new VariableDict(("params", new VariableDict(("w", stored))));
        var value = Core.Apply((Scope scope) => scope.Param<NDArray>("w", Counting, [2, 3], DType.Float32))(variables);
        Assert.AreSame(stored, value, "the stored value is returned with its own dtype");
        Assert.AreEqual(0, calls);
    }

    [TestMethod]
    public void GenericParamChecksLeafShapesInSortedOrder()
    {
        static VariableDict Make(int w) => new(("w", NDArray.Zeros(DType.Float32, w)), ("b", NDArray.Zeros(DType.Float32, 3)));
        var variables = new VariableDict(("params", new VariableDict(("layer", Make(2)))));
        Core.Apply((Scope scope) => scope.Param("layer", _ => Make(2)))(variables);
        var error = Assert.ThrowsExactly<ScopeParamShapeException>(() => Core.Apply((Scope scope) => scope.Param("layer", _ => Make(4)))(variables));
        Assert.AreEqual("For parameter \"layer\" in \"/\", the given initializer is expected to generate shape (4,), but the existing parameter it received has shape (2,).", error.Message);
    }

    private sealed record ExplicitDense(NDArray Kernel, NDArray Bias);

    [TestMethod]
    public void ParamsMayBeRecords()
    {
        static ExplicitDense Create(PrngKey key) => new(NDArray.Ones(DType.Float32, 4, 3), NDArray.Zeros(DType.Float32, 3));
        var (dense, variables) = Core.Init((Scope scope) => scope.Param("dense_0", Create))(Key0);
        Assert.AreSame(dense, variables.Flatten()["params/dense_0"]);
        Assert.AreSame(dense, Core.Apply((Scope scope) => scope.Param("dense_0", Create))(variables));
    }

    [TestMethod]
    public void ApplyNeedsNoRngForExistingParams()
    {
        var (_, variables) = Core.Init((Scope scope) => scope.Param<NDArray>("w", TestInitializers.Ones, [2]))(Key0);
        var w = Core.Apply((Scope scope) => scope.Param<NDArray>("w", TestInitializers.Ones, [2]))(variables);
        CollectionAssert.AreEqual(new[] { 1f, 1f }, w.ToArray<float>());
    }

    [TestMethod]
    public void ApplyReturnsEveryMutableCollection()
    {
        var variables = new VariableDict(("params", new VariableDict(("w", 1))), ("state", new VariableDict(("n", 0))), ("cache", new VariableDict(("c", 5))));
        var (output, mutated) = Core.Apply((Scope scope) => scope.GetVariable("params", "w"), mutable: new[] { "state", "cache" })(variables);
        Assert.AreEqual(1, output);
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("n", 0))), ("cache", new VariableDict(("c", 5)))), mutated);
        var (_, none) = Core.Apply((Scope scope) => 0, mutable: false)(variables);
        TreeAssert.AreEqual(VariableDict.Empty, none);
    }

    [TestMethod]
    public void ApplyNeverChangesItsInputs()
    {
        var variables = new VariableDict(("state", new VariableDict(("n", 0))));
        int Count(Scope scope)
        {
            var n = scope.Variable<int>("state", "n");
            n.Value += 1;
            return n.Value;
        }
        var (output, mutated) = Core.Apply(Count, mutable: "state")(variables);
        Assert.AreEqual(1, output);
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("n", 1)))), mutated);
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("n", 0)))), variables);
    }

    [TestMethod]
    public void VariablesAreSnapshots()
    {
        var scope = new Scope(Dict(), mutable: "state");
        scope.PutVariable("state", "n", 1);
        var before = scope.Variables();
        scope.PutVariable("state", "n", 2);
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("n", 1)))), before);
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("n", 2)))), scope.MutableVariables());
    }

    [TestMethod]
    public void Flags()
    {
        var flags = new Dictionary<string, object> { ["train"] = true };
        var (seen, _) = Core.Init((Scope scope) => (scope.IsInitializing, scope.Push("child").GetFlag("train", false)), flags: flags)(Key0);
        Assert.AreEqual((true, true), seen);
        var scope = Core.Bind(VariableDict.Empty, flags: flags);
        Assert.IsFalse(scope.IsInitializing);
        Assert.IsTrue(scope.HasFlag("train"));
        Assert.AreEqual(true, scope.GetFlag("train"));
        Assert.AreEqual(3, scope.GetFlag("depth", 3));
        Assert.AreEqual("Flag depth not present on scope.", Assert.ThrowsExactly<KeyNotFoundException>(() => scope.GetFlag("depth")).Message);
        Assert.AreEqual("Flag train is a Boolean, not a Int32.", Assert.ThrowsExactly<InvalidCastException>(() => scope.GetFlag("train", 0)).Message);
    }

    [TestMethod]
    public void ClosuresBindTheInputs()
    {
        static int Model(Scope scope, int a, int b)
        {
            var total = scope.Variable("state", "total", () => 0);
            total.Value += a * b;
            return a + b;
        }
        var (sum, variables) = Core.Init(scope => Model(scope, 2, 3))(Key0);
        Assert.AreEqual(5, sum);
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("total", 6)))), variables);
        TreeAssert.AreEqual(variables, Core.LazyInit(scope => Model(scope, 2, 3))(Key0));
        var (sum2, mutated) = Core.Apply(scope => Model(scope, 1, 1), mutable: "state")(variables);
        Assert.AreEqual(2, sum2);
        TreeAssert.AreEqual(new VariableDict(("state", new VariableDict(("total", 7)))), mutated);
        Assert.AreEqual(6, Core.Apply(scope => (int)scope.GetVariable("state", "total")!)(variables));
        TreeAssert.AreEqual(new VariableDict(("params", new VariableDict(("p", 1)))), Core.LazyInit((Scope scope) => scope.Param("p", _ => 1))(Key0));
        TreeAssert.AreEqual(new VariableDict(("params", new VariableDict(("p", 2)))), Core.LazyInit(scope => scope.Param("p", _ => 2))(Key0));
        Assert.AreEqual(3, Core.Init(scope => 2 + 1)(Key0).Output);
    }

    [TestMethod]
    public void NullMutableIsAnInvalidFilter()
    {
        var apply = Assert.ThrowsExactly<InvalidFilterException>(() => Core.Apply((Scope scope) => 0, mutable: (Filter)null!));
        Assert.AreEqual("Invalid Filter: \"None\"", apply.Message);
        Assert.ThrowsExactly<InvalidFilterException>(() => Core.Apply((Scope scope, Tensor x) => x, mutable: (Filter)null!));
        Assert.ThrowsExactly<InvalidFilterException>(() => Core.Apply((Scope scope, Tensor x, Tensor y) => x, mutable: (Filter)null!));
    }

    [TestMethod]
    public void BindRejectsCollectionsThatAreLeaves()
    {
        var error = Assert.ThrowsExactly<ApplyScopeInvalidVariablesTypeException>(() => Core.Bind(new VariableDict(("kernel", 1))));
        Assert.AreEqual("The first argument passed to an apply function should be a dictionary of collections. Each collection should be a dictionary with string keys.", error.Message);
        Assert.ThrowsExactly<ApplyScopeInvalidVariablesTypeException>(() => Core.Apply((Scope scope) => 0)(new VariableDict(("params", 1))));
    }

    [TestMethod]
    public void LeafWhereASubtreeBelongs()
    {
        var variables = new VariableDict(("params", new VariableDict(("a", 1))));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Core.Apply((Scope scope) => scope.Push("a").HasVariable("params", "k"))(variables));
        Assert.AreEqual("Scope \"/a\" cannot use collection \"params\": it holds a Int32 where this scope's dictionary of variables belongs.", error.Message);
    }

    [TestMethod]
    public void IsCollectionEmptyLooksAtTheRoot()
    {
        var scope = Core.Bind(new VariableDict(("params", new VariableDict(("w", 1))), ("state", VariableDict.Empty)));
        var child = scope.Push("child");
        Assert.IsFalse(child.IsCollectionEmpty("params"));
        Assert.IsFalse(child.HasVariable("params", "w"));
        Assert.IsTrue(child.IsCollectionEmpty("state"));
        Assert.IsTrue(child.IsCollectionEmpty("cache"));
    }

    [TestMethod]
    public void VariableHandle()
    {
        var scope = new Scope(Dict(("state", Dict(("n", 1), ("d", Dict(("x", 2)))))), mutable: "state");
        var n = scope.Variable<int>("state", "n");
        n.Value = 5;
        Assert.AreEqual(5, scope.GetVariable("state", "n"));
        TreeAssert.AreEqual(new VariableDict(("x", 2)), scope.Variable<VariableDict>("state", "d").Value);
        Assert.AreEqual("Variable(state, /, n)", n.ToString());
        var wrongType = Assert.ThrowsExactly<InvalidCastException>(() => scope.Rewound().Variable<string>("state", "n").Value);
        Assert.AreEqual("Variable \"n\" of collection \"state\" in \"/\" holds a Int32, not a String.", wrongType.Message);
        var frozen = Core.Bind(new VariableDict(("state", new VariableDict(("n", 1)))));
        var immutable = frozen.Variable<int>("state", "n");
        Assert.IsFalse(immutable.IsMutable);
        var error = Assert.ThrowsExactly<ModifyScopeVariableException>(() => immutable.Value = 2);
        Assert.AreEqual("Cannot update variable \"n\" in \"/\" because collection \"state\" is immutable.", error.Message);
    }

    [TestMethod]
    public void HookReplacesCreatedValues()
    {
        var hook = new RecordingHook();
        NDArray Model(Scope scope)
        {
            var dense = scope.Push("dense");
            dense.Variable("state", "count", () => 0);
            return dense.Param<NDArray>("kernel", TestInitializers.Ones, [2]);
        }
        var (output, variables) = Core.InitCore(Model, Key0, null, null, hook);
        CollectionAssert.AreEqual(new[] { "state /dense count", "params /dense kernel" }, hook.Calls);
        Assert.AreEqual(hook.Replacement, output);
        Assert.AreEqual(hook.Replacement, variables.Flatten()["params/dense/kernel"]);
        Assert.AreEqual(hook.Replacement, variables.Flatten()["state/dense/count"]);
        var (_, applied) = Core.ApplyCore(Model, variables, null, Filter.All, null, hook);
        Assert.HasCount(2, hook.Calls, "existing values are not created again");
        TreeAssert.AreEqual(variables, applied!);
    }

    [TestMethod]
    public void InitWithoutMutableCollectionsCreatesNothing()
    {
        var (output, variables) = Core.Init((Scope scope) => scope.IsMutableCollection("params"), mutable: false)(Key0);
        Assert.IsFalse(output);
        TreeAssert.AreEqual(VariableDict.Empty, variables);
    }

    [TestMethod]
    public void InitFunctionsMustNotReturnNull()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Core.Init((Scope scope) => scope.Push("a").Param<string>("p", _ => null!))(Key0));
        Assert.AreEqual("An init function in scope \"/a\" returned null; variables hold no null values.", error.Message);
    }

    private sealed class RecordingHook : IVariableHook
    {
        public NDArray Replacement { get; } = NDArray.From([7f, 7f], 2);

        public List<string> Calls { get; } = [];

        public object OnCreate(string collection, IReadOnlyList<string> path, string name, object value)
        {
            Calls.Add($"{collection} /{string.Join('/', path)} {name}");
            return Replacement;
        }
    }
}
