using Flax.Tests.Nn;

namespace Flax.Tests.Lift;

/// <summary><c>Lift.Vmap</c>: Flax's <c>core_lift_test.py</c> cases, its errors, and per-primitive batching rules checked
/// against an explicit loop of <c>Core.Apply</c> calls on each index's slices.</summary>
[TestClass]
public sealed class VmapTests
{
    private static readonly Dictionary<Filter, int?> Stacked = new() { ["params"] = 0 };
    private static readonly Dictionary<Filter, int?> NoVariables = [];
    private static readonly Dictionary<Filter, bool> SplitParams = new() { ["params"] = true };
    private static readonly Dictionary<Filter, bool> NoRngs = [];

    /// <summary><c>test_undefined_param</c>: the error names the scope as Flax's debug path does.</summary>
    [TestMethod]
    public void UndefinedParam()
    {
        var dense = Flax.Lift.Vmap((s, x) => Flax.Nn.Dense(s, x, 2), Stacked, SplitParams, inAxes: [0], outAxes: 0);
        var variables = new VariableDict(("params", new VariableDict(("dense", new VariableDict(("abc", NDArray.Ones(DType.Float32, 3)))))));
        var e = Assert.ThrowsExactly<ScopeParamNotFoundException>(() =>
            Core.Apply((s, x) => dense(s.Push("dense"), x))(variables, NDArray.Ones(DType.Float32, 3, 2)));
        Assert.AreEqual("Could not find parameter named \"kernel\" in scope \"/vmap(dense)\".", e.Message);
    }

    /// <summary><c>test_aliasing</c>: <c>vmap(g)((scope, scope.push('a')), ones((1,)))</c>; inside, <c>a.parent</c> is the
    /// inner <c>scope</c> (pack dedups <c>a</c> through <c>scope</c> and pushes it again).</summary>
    [TestMethod]
    public void Aliasing()
    {
        bool checkedParent = false;
        Tensor F(Scope scope, Tensor x)
        {
            var a = scope.Push("a");
            Tensor G(Scope[] scopes, Tensor y)
            {
                Assert.AreSame(scopes[0], scopes[1].Parent);
                Assert.AreEqual("a", scopes[1].Name);
                checkedParent = true;
                return y;
            }
            return Flax.Lift.VmapScopes(G, new Dictionary<Filter, InOutAxis>(), NoRngs)([scope, a], x);
        }
        Core.Init(F)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1));
        Assert.IsTrue(checkedParent);
    }

    /// <summary>Variables created through the second scope of the tuple live under its path outside, stacked; applying
    /// equals a loop of plain applies on each index's slices.</summary>
    [TestMethod]
    public void VmapOverATupleOfScopesCreatesUnderEachScope()
    {
        static Tensor Two(Scope[] scopes, Tensor x) => Flax.Nn.Dense(scopes[1], Flax.Nn.Dense(scopes[0].Push("first"), x, 3), 2);
        Tensor F(Scope scope, Tensor x) =>
            Flax.Lift.VmapScopes(Two, new Dictionary<Filter, InOutAxis> { ["params"] = 0 }, SplitParams)([scope, scope.Push("second")], x);
        var x = Random(6, 2, 4);
        var (y, variables) = Core.Init(F)(PrngKey.Create(0), x);
        ShapeTree.AssertEqual(variables, ("first/bias", "(2, 3)"), ("first/kernel", "(2, 4, 3)"), ("second/bias", "(2, 2)"), ("second/kernel", "(2, 3, 2)"));
        static Tensor Plain(Scope s, Tensor h) => Two([s, s.Push("second")], h);
        var rows = Enumerable.Range(0, 2).Select(i => Core.Apply(Plain)(variables.Map(leaf => Take((NDArray)leaf, 0, i)), Take(x, 0, i))).ToList();
        var (e, g) = (Stack(rows, 0).ToArray<float>(), y.ToArray<float>());
        for (int i = 0; i < e.Length; i++) Assert.IsTrue(Math.Abs(e[i] - g[i]) <= 1e-5, $"element {i}: {g[i]} vs {e[i]}");
    }

    /// <summary>Two sibling scopes (neither contains the other) are lifted side by side: each keeps its own variables,
    /// stacked, and applying equals a loop of plain applies; the shared collection <c>state</c> of each gets its own
    /// write.</summary>
    [TestMethod]
    public void VmapOverSiblingScopesLiftsEach()
    {
        static Tensor Both(Scope[] scopes, Tensor x)
        {
            var y = Flax.Nn.Dense(scopes[1], Flax.Nn.Dense(scopes[0], x, 3), 2);
            scopes[1].PutVariable("state", "seen", NDArray.Scalar(scopes[1].Name!.Length));
            return y;
        }
        Tensor F(Scope scope, Tensor x) => Flax.Lift.VmapScopes(Both,
            new Dictionary<Filter, InOutAxis> { ["params"] = 0, ["state"] = null }, SplitParams)([scope.Push("first"), scope.Push("second")], x);
        var x = Random(7, 2, 4);
        var (y, variables) = Core.Init(F)(PrngKey.Create(0), x);
        ShapeTree.AssertEqual(variables, ("first/bias", "(2, 3)"), ("first/kernel", "(2, 4, 3)"), ("second/bias", "(2, 2)"), ("second/kernel", "(2, 3, 2)"));
        Assert.AreEqual(6, ((NDArray)variables.Flatten()["state/second/seen"]).Item<int>());
        static Tensor Plain(Scope s, Tensor h) => Both([s.Push("first"), s.Push("second")], h);
        var parameters = new VariableDict(("params", variables["params"]));
        var rows = Enumerable.Range(0, 2).Select(i => Core.Apply(Plain, "state")(parameters.Map(leaf => Take((NDArray)leaf, 0, i)), Take(x, 0, i)).Output).ToList();
        var (e, g) = (Stack(rows, 0).ToArray<float>(), y.ToArray<float>());
        for (int i = 0; i < e.Length; i++) Assert.IsTrue(Math.Abs(e[i] - g[i]) <= 1e-5, $"element {i}: {g[i]} vs {e[i]}");
    }

    [TestMethod]
    public void InconsistentBatchAxisSizes()
    {
        var add = Flax.Lift.Vmap((Scope _, Tensor a, Tensor b) => a + b, NoVariables, NoRngs);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply((s, a, b) => add(s, a, b))(VariableDict.Empty,
            NDArray.Ones(DType.Float32, 2, 3), NDArray.Ones(DType.Float32, 3, 3)));
        Assert.AreEqual("Inconsistent batch axis sizes: {2, 3}", e.Message);
    }

    [TestMethod]
    public void AxisSizeShouldBeSpecifiedManually()
    {
        var f = Flax.Lift.Vmap((Scope _, Tensor a) => a * 2f, NoVariables, NoRngs, inAxes: [null]);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply((s, a) => f(s, a))(VariableDict.Empty, NDArray.Ones(DType.Float32, 2)));
        Assert.AreEqual("axis_size should be specified manually.", e.Message);
        // With the size given, the unmapped input is repeated along the new axis.
        var g = Flax.Lift.Vmap((Scope _, Tensor a) => a * 2f, NoVariables, NoRngs, inAxes: [null], axisSize: 3);
        var y = Core.Apply((s, a) => g(s, a))(VariableDict.Empty, NDArray.From([1f, 2f], 2));
        CollectionAssert.AreEqual(new[] { 3, 2 }, y.Shape);
        CollectionAssert.AreEqual(new[] { 2f, 4f, 2f, 4f, 2f, 4f }, y.ToArray<float>());
    }

    [TestMethod]
    public void AxesOutOfRangeThrow()
    {
        var f = Flax.Lift.Vmap((Scope _, Tensor a) => a, NoVariables, NoRngs, inAxes: [2]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Apply((s, a) => f(s, a))(VariableDict.Empty, NDArray.Ones(DType.Float32, 2, 2)));
        Assert.AreEqual("in_axes value 2 is out of bounds for an array of rank 2.", e.Message);
        Assert.ThrowsExactly<ArgumentException>(() => Flax.Lift.Vmap((Scope _, Tensor a) => a, NoVariables, NoRngs, inAxes: [0, 0]));
    }

    /// <summary>A collection shared by every index (axis null) cannot take a value that differs between indices.</summary>
    [TestMethod]
    public void MappedValueInASharedCollectionThrows()
    {
        static Tensor Write(Scope s, Tensor x)
        {
            s.PutVariable("state", "last", x);
            return x;
        }
        var f = Flax.Lift.Vmap(Write, new Dictionary<Filter, int?> { ["state"] = null }, NoRngs);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Init((s, x) => f(s, x))(PrngKey.Create(0), NDArray.Ones(DType.Float32, 2, 3)));
        StringAssert.StartsWith(e.Message, "vmap has mapped output but out_axes is None");
    }

    /// <summary>Mutable state in a mapped collection comes out stacked, one value per index.</summary>
    [TestMethod]
    public void MappedStateIsStacked()
    {
        static Tensor Running(Scope s, Tensor x)
        {
            var total = s.Variable<Tensor>("state", "total", () => NDArray.Zeros(DType.Float32, 3));
            total.Value = total.Value + x;
            return x;
        }
        var f = Flax.Lift.Vmap(Running, new Dictionary<Filter, int?> { ["state"] = 1 }, NoRngs);
        var x = NDArray.From([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var (_, variables) = Core.Init((s, h) => f(s, h))(PrngKey.Create(0), x);
        var total = (NDArray)variables.Flatten()["state/total"];
        CollectionAssert.AreEqual(new[] { 3, 2 }, total.Shape);
        CollectionAssert.AreEqual(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, total.ToArray<float>());
    }

    private static NDArray Random(int seed, params int[] shape) => Prng.Normal(PrngKey.Create(seed), shape);

    /// <summary>vmap of <paramref name="op"/> over axis <paramref name="axes"/> of each input against applying it to each
    /// index's slices and stacking the results (tolerance 1e-5).</summary>
    private static void CheckAgainstLoop(Func<Tensor, Tensor, Tensor> op, NDArray a, NDArray b, int?[] axes, int outAxis = 0)
    {
        var mapped = Flax.Lift.Vmap((Scope _, Tensor x, Tensor y) => op(x, y), NoVariables, NoRngs, inAxes: axes, outAxes: outAxis);
        var actual = Core.Apply((s, x, y) => mapped(s, x, y))(VariableDict.Empty, a, b);
        int n = axes[0] is { } a0 ? a.Shape[a0] : b.Shape[axes[1]!.Value];
        Tensor Plain(Scope _, Tensor x, Tensor y) => op(x, y);
        var plain = Core.Apply(Plain);
        var rows = Enumerable.Range(0, n).Select(i => plain(VariableDict.Empty, Take(a, axes[0], i), Take(b, axes[1], i))).ToList();
        var expected = Stack(rows, outAxis);
        CollectionAssert.AreEqual(expected.Shape, actual.Shape);
        var (e, g) = (expected.ToArray<float>(), actual.ToArray<float>());
        for (int i = 0; i < e.Length; i++) Assert.IsTrue(Math.Abs(e[i] - g[i]) <= 1e-5, $"element {i}: {g[i]} vs {e[i]}");
    }

    /// <summary><c>x.take(i, axis)</c> on the host (unmapped: the array itself).</summary>
    internal static NDArray Take(NDArray x, int? axis, int i)
    {
        if (axis is not { } ax) return x;
        var shape = x.Shape;
        int outer = shape[..ax].Aggregate(1, (p, s) => p * s), inner = shape[(ax + 1)..].Aggregate(1, (p, s) => p * s);
        var data = x.ToArray<float>();
        var result = new float[outer * inner];
        for (int o = 0; o < outer; o++) Array.Copy(data, (o * shape[ax] + i) * inner, result, o * inner, inner);
        return NDArray.From(result, [.. shape[..ax], .. shape[(ax + 1)..]]);
    }

    internal static NDArray Stack(List<NDArray> parts, int axis)
    {
        var shape = parts[0].Shape;
        int outer = shape[..axis].Aggregate(1, (p, s) => p * s), inner = shape[axis..].Aggregate(1, (p, s) => p * s);
        var result = new float[outer * inner * parts.Count];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < parts.Count; i++)
                Array.Copy(parts[i].ToArray<float>(), o * inner, result, (o * parts.Count + i) * inner, inner);
        return NDArray.From(result, [.. shape[..axis], parts.Count, .. shape[axis..]]);
    }

    [TestMethod]
    public void ElementwiseBatching()
    {
        CheckAgainstLoop((x, y) => (x * y - y).Tanh(), Random(1, 3, 4), Random(2, 4), [0, null]);
        CheckAgainstLoop((x, y) => Tensor.Where(x > y, x, y.Exp()), Random(1, 4, 3), Random(2, 3, 4), [1, 0], outAxis: 1);
    }

    [TestMethod]
    public void DotGeneralBatching()
    {
        CheckAgainstLoop((x, y) => Tensor.MatMul(x, y), Random(1, 3, 2, 4), Random(2, 4, 5), [0, null]);
        CheckAgainstLoop((x, y) => Tensor.MatMul(x, y), Random(1, 2, 4), Random(2, 4, 3, 5), [null, 1]);
        CheckAgainstLoop((x, y) => Tensor.MatMul(x, y), Random(1, 3, 2, 4), Random(2, 4, 3, 5), [0, 1], outAxis: 2);
        CheckAgainstLoop((x, y) => Tensor.DotGeneral(x, y, ([2], [1]), ([0], [0])), Random(1, 3, 2, 5, 4), Random(2, 2, 4, 6), [0, null]);
    }

    [TestMethod]
    public void StructuralBatching()
    {
        CheckAgainstLoop((x, _) => x.Sum(1) + x.Max([0]).Sum(0), Random(1, 3, 4, 5), Random(2, 1), [1, null]);
        CheckAgainstLoop((x, _) => x.Reshape(2, 10).Transpose(1, 0), Random(1, 4, 5, 3), Random(2, 1), [2, null]);
        CheckAgainstLoop((x, y) => Tensor.Concat([x, y], 0), Random(1, 3, 2, 4), Random(2, 5, 4), [0, null]);
        CheckAgainstLoop((x, y) => x + y.Reshape(4, 1), Random(1, 3, 4, 2), Random(2, 3, 4), [0, 0]);
    }

    [TestMethod]
    public void SliceAndPadBatching() =>
        CheckAgainstLoop((x, _) => x.SliceInDim(1, 3).Pad([(1, 2), (0, 1)]), Random(1, 4, 5, 3), Random(2, 1), [2, null]);

    [TestMethod]
    public void ConvolutionBatching()
    {
        Tensor Conv(Tensor x, Tensor k) => Tensor.ConvGeneralDilated(x, k, [1, 1], Padding.Explicit((1, 1), (0, 0)));
        CheckAgainstLoop(Conv, Random(1, 2, 1, 5, 4, 3), Random(2, 3, 3, 3, 2), [0, null]);
        CheckAgainstLoop(Conv, Random(1, 1, 5, 4, 3), Random(2, 2, 3, 3, 3, 2), [null, 0]);
        CheckAgainstLoop(Conv, Random(1, 2, 1, 5, 4, 3), Random(2, 3, 3, 3, 2, 2), [0, 3]);
    }

    [TestMethod]
    public void TakeBatching()
    {
        var indices = NDArray.From([2, 0, -1, 1, 3, 0], 2, 3);
        Tensor TakeFloat(Tensor x, Tensor idx) => x.Take(idx.Cast(DType.Int32), 1);
        CheckAgainstLoop(TakeFloat, Random(1, 2, 3, 4), indices.AsFloat(), [0, null]);
        CheckAgainstLoop(TakeFloat, Random(1, 3, 4), indices.AsFloat(), [null, 0]);
        CheckAgainstLoop(TakeFloat, Random(1, 2, 3, 4), indices.AsFloat(), [0, 0]);
    }

    [TestMethod]
    public void WindowBatching() =>
        CheckAgainstLoop((x, _) => x.ReduceWindowMax([1, 2, 2, 1], [1, 1, 1, 1], Padding.Explicit((0, 0), (0, 1), (0, 1), (0, 0))),
            Random(1, 1, 4, 4, 2, 3), Random(2, 1), [3, null]);
}

internal static class FloatIndices
{
    /// <summary>Integer indices as float32, so the loop helper handles one dtype.</summary>
    public static NDArray AsFloat(this NDArray indices) => NDArray.From(indices.ToArray<int>().Select(i => (float)i).ToArray(), indices.Shape);
}
