using Flax.Examples.Design;
using Flax.Tests.Nn;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>core_vmap_test.py</c> (<c>VMapTest</c>), checked against an explicit loop over the rows.</summary>
[TestClass]
public sealed class VmapDesignTests
{
    [TestMethod]
    public void VmapShared()
    {
        var (y, variables) = Core.Init((s, x) => VmapMlp.Model(s, x, shareParams: true))(PrngKey.Create(1), Slices.TwoRows());
        ShapeTree.AssertEqual(variables, ("hidden_0/bias", "(8,)"), ("hidden_0/kernel", "(4, 8)"), ("out/bias", "(1,)"), ("out/kernel", "(8, 1)"));
        CollectionAssert.AreEqual(new[] { 2, 1 }, y.Shape);
        Assert.IsTrue(Math.Abs(y.Get<float>(0, 0) - y.Get<float>(1, 0)) <= 1e-6);
    }

    [TestMethod]
    public void VmapUnshared()
    {
        var (y, variables) = Core.Init((s, x) => VmapMlp.Model(s, x, shareParams: false))(PrngKey.Create(1), Slices.TwoRows());
        ShapeTree.AssertEqual(variables, ("hidden_0/bias", "(2, 8)"), ("hidden_0/kernel", "(2, 4, 8)"), ("out/bias", "(2, 1)"), ("out/kernel", "(2, 8, 1)"));
        CollectionAssert.AreEqual(new[] { 2, 1 }, y.Shape);
        Assert.IsFalse(Math.Abs(y.Get<float>(0, 0) - y.Get<float>(1, 0)) <= 1e-6);
    }

    /// <summary>Each row's kernel is Flax's: LeCun normal from <c>split(key(1), 2)[i]</c> folded with the path
    /// <c>hidden_0</c> and counter 1 (the suffix is kept, the base key split).</summary>
    [TestMethod]
    public void UnsharedKernelsComeFromSplitKeys()
    {
        var (_, variables) = Core.Init((s, x) => VmapMlp.Model(s, x, shareParams: false))(PrngKey.Create(1), Slices.TwoRows());
        var kernel = ((NDArray)variables.Flatten()["params/hidden_0/kernel"]).ToArray<float>();
        var keys = PrngKey.Create(1).Split(2);
        for (int i = 0; i < 2; i++)
        {
            var expected = Initializers.LecunNormal()(keys[i].FoldInStatic("hidden_0", 1), [4, 8], DType.Float32).ToArray<float>();
            CollectionAssert.AreEqual(expected, kernel[(i * 32)..((i + 1) * 32)], $"kernel slice {i}");
        }
    }

    /// <summary>Applying the vmapped MLP equals applying the plain MLP to each row with that row's parameter slice.</summary>
    [TestMethod]
    public void VmapEqualsALoopOfApplyCalls()
    {
        var x = Prng.Normal(PrngKey.Create(5), [3, 4]);
        var (_, variables) = Core.Init((s, h) => VmapMlp.Model(s, h, shareParams: false))(PrngKey.Create(1), x);
        var y = Core.Apply((s, h) => VmapMlp.Model(s, h, shareParams: false))(variables, x);
        for (int i = 0; i < 3; i++)
        {
            var row = Slices.Index(x, i).Reshape(1, 4);
            var rowVariables = variables.Map(leaf => Slices.Index((NDArray)leaf, i));
            var expected = Core.Apply(Mlp.Model)(rowVariables, row);
            Assert.IsTrue(Math.Abs(expected.Get<float>(0, 0) - y.Get<float>(i, 0)) <= 1e-5, $"row {i}: {y.Get<float>(i, 0)} vs {expected.Get<float>(0, 0)}");
        }
    }
}

/// <summary>Inputs and host slicing for the lifted design tests' loop references.</summary>
internal static class Slices
{
    /// <summary>The input of <c>core_vmap_test</c> and <c>core_scan_test</c>: <c>random.normal(key(0), (1, 4))</c> twice.</summary>
    public static NDArray TwoRows()
    {
        var row = Prng.Normal(PrngKey.Create(0), [1, 4]).ToArray<float>();
        return NDArray.From([.. row, .. row], 2, 4);
    }

    /// <summary><c>x[i]</c>: the sub-array at index <paramref name="i"/> of the leading axis (float32).</summary>
    public static NDArray Index(NDArray x, int i)
    {
        var shape = x.Shape[1..];
        int block = shape.Aggregate(1, (a, b) => a * b);
        return NDArray.From(x.ToArray<float>()[(i * block)..((i + 1) * block)], shape);
    }
}
