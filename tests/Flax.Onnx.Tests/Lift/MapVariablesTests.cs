namespace Flax.Tests.Lift;

/// <summary><c>Lift.MapVariables</c> on plain values (the scope is value-agnostic) and its PRNG bookkeeping.</summary>
[TestClass]
public sealed class MapVariablesTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    private static VariableDict Scale(VariableDict variables, int factor) => variables.Map(leaf => (int)leaf * factor);

    /// <summary>Reads param <c>w</c> (created as 3 on init) and returns it.</summary>
    private static int ReadW(Scope scope, int _) => scope.Param("w", _ => 3);

    [TestMethod]
    public void TheFunctionSeesTheMappedView()
    {
        var variables = new VariableDict(("params", new VariableDict(("w", 5))));
        var mapped = Flax.Lift.MapVariables<int, int>(ReadW, "params", v => Scale(v, 10));
        Assert.AreEqual(50, Core.Apply(scope => mapped(scope, 0))(variables));
    }

    [TestMethod]
    public void FunctionsOfTwoInputs()
    {
        var variables = new VariableDict(("params", new VariableDict(("w", 5))));
        var mapped = Flax.Lift.MapVariables<int, int, int>((scope, a, b) => ReadW(scope, 0) + a + b, "params", v => Scale(v, 10));
        Assert.AreEqual(53, Core.Apply(scope => mapped(scope, 1, 2))(variables));
    }

    [TestMethod]
    public void MappedCollectionsAreImmutableInsideUnlessMutable()
    {
        static int Write(Scope scope, int value)
        {
            scope.PutVariable("params", "w", value);
            return value;
        }
        var variables = new VariableDict(("params", new VariableDict(("w", 5))));
        var readOnly = Flax.Lift.MapVariables<int, int>(Write, "params");
        var e = Assert.ThrowsExactly<ModifyScopeVariableException>(() =>
            Core.Apply(scope => readOnly(scope, 7), mutable: "params")(variables));
        Assert.AreEqual("Cannot update variable \"w\" in \"/\" because collection \"params\" is immutable.", e.Message);

        var writable = Flax.Lift.MapVariables<int, int>(Write, "params", mapOutFn: v => Scale(v, 2), mutable: true);
        var (_, mutated) = Core.Apply(scope => writable(scope, 7), mutable: "params")(variables);
        Assert.AreEqual(14, mutated.Flatten()["params/w"]);
    }

    [TestMethod]
    public void InitRunsTheFunctionOnTheRawVariablesFirst()
    {
        int calls = 0;
        int Counted(Scope scope, int x)
        {
            calls++;
            return ReadW(scope, x);
        }
        var mapped = Flax.Lift.MapVariables<int, int>(Counted, "params", v => Scale(v, 10), init: true);
        var (y, variables) = Core.Init(scope => mapped(scope, 0))(Key0);
        Assert.AreEqual(2, calls);
        Assert.AreEqual(30, y);
        Assert.AreEqual(30, variables.Flatten()["params/w"], "init publishes the mapped-in view, as Flax does");
    }

    [TestMethod]
    public void OtherCollectionsStayWritable()
    {
        static int Count(Scope scope, int _)
        {
            var calls = scope.Variable("stats", "calls", () => 0);
            calls.Value += 1;
            return calls.Value;
        }
        var mapped = Flax.Lift.MapVariables<int, int>(Count, "params");
        var (y, variables) = Core.Init(scope => mapped(scope, 0))(Key0);
        Assert.AreEqual(1, y);
        Assert.AreEqual(1, variables.Flatten()["stats/calls"]);
    }

    [TestMethod]
    public void KeysInsideContinueTheScopesCounters()
    {
        var mapped = Flax.Lift.MapVariables(scope => scope.MakeRng("params"), "params");
        var (keys, _) = Core.Init(scope =>
        {
            var child = scope.Push("a");
            return (child.MakeRng("params"), mapped(child), child.MakeRng("params"));
        })(Key0);
        Assert.AreEqual(Key0.FoldInStatic("a", 1), keys.Item1);
        Assert.AreEqual(Key0.FoldInStatic("a", 2), keys.Item2);
        Assert.AreEqual(Key0.FoldInStatic("a", 3), keys.Item3);
    }

    [TestMethod]
    public void RngFilterHidesSequences()
    {
        var mapped = Flax.Lift.MapVariables<int, bool>((scope, _) => scope.HasRng("dropout"), "params", rngs: "params");
        var rngs = new Rngs(("params", Key0), ("dropout", Key0));
        Assert.IsFalse(Core.Init(scope => mapped(scope, 0))(rngs).Output);
    }
}
