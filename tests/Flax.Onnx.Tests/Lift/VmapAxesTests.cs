namespace Flax.Tests.Lift;

/// <summary><c>Lift.Vmap</c>'s <c>In</c>/<c>Out</c> variable axes, variable axes other than 0 and <c>out_axes=None</c>,
/// each against an explicit loop of <c>Core.Apply</c> calls on each index's slices.</summary>
[TestClass]
public sealed class VmapAxesTests
{
    private static readonly Dictionary<Filter, bool> NoRngs = [];

    private static float[] Floats(object leaf) => ((NDArray)leaf).ToArray<float>();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    private static Tensor Scaled(Scope s, Tensor x) => x * (Tensor)s.GetVariable("consts", "scale")!;

    /// <summary><c>variable_axes={'consts': In(0)}</c>: index <c>i</c> reads <c>consts[i]</c>; equals a loop of applies.</summary>
    [TestMethod]
    public void AnInCollectionIsReadPerIndex()
    {
        var f = Flax.Lift.Vmap(Scaled, new Dictionary<Filter, InOutAxis> { ["consts"] = Flax.Lift.In(0) }, NoRngs);
        var (x, scale) = (Prng.Normal(PrngKey.Create(1), [2, 3]), Prng.Normal(PrngKey.Create(2), [2, 3]));
        var variables = new VariableDict(("consts", new VariableDict(("scale", scale))));
        var y = Core.Apply((s, h) => f(s, h))(variables, x);
        var rows = Enumerable.Range(0, 2).Select(i => Core.Apply(Scaled)(new VariableDict(("consts", new VariableDict(("scale", VmapTests.Take(scale, 0, i))))), VmapTests.Take(x, 0, i))).ToList();
        AssertClose(VmapTests.Stack(rows, 0).ToArray<float>(), y.ToArray<float>());
    }

    /// <summary>An <c>In</c> collection is immutable inside even when it is mutable outside (Flax freezes it).</summary>
    [TestMethod]
    public void WritingAnInCollectionThrows()
    {
        static Tensor Write(Scope s, Tensor x)
        {
            s.PutVariable("consts", "scale", x);
            return x;
        }
        var f = Flax.Lift.Vmap(Write, new Dictionary<Filter, InOutAxis> { ["consts"] = Flax.Lift.In(0) }, NoRngs);
        var variables = new VariableDict(("consts", new VariableDict(("scale", NDArray.Ones(DType.Float32, 2, 3)))));
        var e = Assert.ThrowsExactly<ModifyScopeVariableException>(() => Core.Apply((s, h) => f(s.Push("w"), h), "consts")(variables, NDArray.Ones(DType.Float32, 2, 3)));
        Assert.AreEqual("Cannot update variable \"scale\" in \"/vmap(w)\" because collection \"consts\" is immutable.", e.Message);
    }

    /// <summary><c>variable_axes={'intermediates': Out(1)}</c>: the body does not see the collection's values, and what
    /// it writes comes out stacked on axis 1, equal to a loop of applies.</summary>
    [TestMethod]
    public void AnOutCollectionIsWrittenStackedAndNotSeenInside()
    {
        bool? seen = null;
        Tensor Sow(Scope s, Tensor x)
        {
            seen = s.HasVariable("intermediates", "y");
            s.PutVariable("intermediates", "y", x * 2f + 1f);
            return x;
        }
        var f = Flax.Lift.Vmap(Sow, new Dictionary<Filter, InOutAxis> { ["intermediates"] = Flax.Lift.Out(1) }, NoRngs);
        var x = Prng.Normal(PrngKey.Create(3), [4, 3]);
        var old = new VariableDict(("intermediates", new VariableDict(("y", NDArray.Zeros(DType.Float32, 3, 4)))));
        var (_, mutated) = Core.Apply((s, h) => f(s, h), "intermediates")(old, x);
        Assert.IsFalse(seen);
        var stacked = (NDArray)mutated.Flatten()["intermediates/y"];
        CollectionAssert.AreEqual(new[] { 3, 4 }, stacked.Shape);
        var rows = Enumerable.Range(0, 4).Select(i =>
            (NDArray)Core.Apply(Sow, "intermediates")(VariableDict.Empty, VmapTests.Take(x, 0, i)).Mutated.Flatten()["intermediates/y"]).ToList();
        AssertClose(VmapTests.Stack(rows, 1).ToArray<float>(), stacked.ToArray<float>());
    }

    /// <summary><c>variable_axes={'params': 1}</c>: Dense kernels stacked on axis 1, <c>(4, 3, 2)</c>, each index equal to
    /// the plain Dense with its slice.</summary>
    [TestMethod]
    public void ParamsStackedOnAxisOneEqualALoop()
    {
        static Tensor Dense(Scope s, Tensor x) => Flax.Nn.Dense(s, x, 2);
        var f = Flax.Lift.Vmap(Dense, new Dictionary<Filter, InOutAxis> { ["params"] = 1 }, new Dictionary<Filter, bool> { ["params"] = true });
        var x = Prng.Normal(PrngKey.Create(4), [3, 4]);
        var (y, variables) = Core.Init((s, h) => f(s, h))(PrngKey.Create(0), x);
        var leaves = variables.Flatten();
        CollectionAssert.AreEqual(new[] { 4, 3, 2 }, ((NDArray)leaves["params/kernel"]).Shape);
        CollectionAssert.AreEqual(new[] { 2, 3 }, ((NDArray)leaves["params/bias"]).Shape);
        var rows = Enumerable.Range(0, 3).Select(i => Core.Apply(Dense)(variables.Map(leaf => VmapTests.Take((NDArray)leaf, 1, i)), VmapTests.Take(x, 0, i))).ToList();
        AssertClose(VmapTests.Stack(rows, 0).ToArray<float>(), y.ToArray<float>());
    }

    /// <summary><c>out_axes=None</c>: an output that is the same at every index comes out once; a mapped one throws JAX's
    /// error.</summary>
    [TestMethod]
    public void OutAxesNoneNeedsAnUnmappedOutput()
    {
        static Tensor Shared(Scope s, Tensor x) => s.Param<Tensor>("b", Initializers.Ones, [3]) * 2f;
        var shared = Flax.Lift.Vmap(Shared, new Dictionary<Filter, int?> { ["params"] = null }, new Dictionary<Filter, bool> { ["params"] = false }, outAxes: null);
        var (y, _) = Core.Init((s, h) => shared(s, h))(PrngKey.Create(0), NDArray.Ones(DType.Float32, 5, 3));
        CollectionAssert.AreEqual(new[] { 2f, 2f, 2f }, y.ToArray<float>());

        var mapped = Flax.Lift.Vmap((Scope _, Tensor x) => x * 2f, new Dictionary<Filter, int?>(), NoRngs, outAxes: null);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply((s, h) => mapped(s, h))(VariableDict.Empty, NDArray.Ones(DType.Float32, 5, 3)));
        Assert.AreEqual("vmap has mapped output but out_axes is None", e.Message);
    }

    [TestMethod]
    public void AxesPrintAsFlaxReprs()
    {
        InOutAxis plain = 0, shared = null;
        Assert.AreEqual("0 None In(axis=0) Out(axis=None)", $"{plain} {shared} {Flax.Lift.In(0)} {Flax.Lift.Out(null)}");
        Assert.IsTrue(Flax.Lift.In(1).IsIn && !Flax.Lift.In(1).IsOut && !Flax.Lift.Out(1).IsIn && plain.IsIn && plain.IsOut);
    }
}
