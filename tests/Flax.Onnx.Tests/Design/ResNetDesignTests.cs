using Flax.Examples.Design;
using Flax.Tests.Nn;
using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>tests/core/design/core_resnet_test.py</c> and <c>core_flow_test.py</c>.</summary>
[TestClass]
public sealed class ResNetDesignTests
{
    private static (string, string)[] Block(string name, int inFeatures, int features, bool projection)
    {
        var leaves = new List<(string, string)>
        {
            ($"{name}/conv_1/kernel", $"(1, 1, {inFeatures}, {features})"),
            ($"{name}/conv_2/kernel", $"(3, 3, {features}, {4 * features})"),
            ($"{name}/conv_3/kernel", $"(1, 1, {4 * features}, {4 * features})"),
        };
        foreach (var (bn, size) in new[] { ("bn_1", features), ("bn_2", 4 * features), ("bn_3", 4 * features) })
            leaves.AddRange([($"{name}/{bn}/bias", $"({size},)"), ($"{name}/{bn}/scale", $"({size},)")]);
        if (projection)
            leaves.AddRange([($"{name}/proj_conv/kernel", $"(1, 1, {inFeatures}, {4 * features})"),
                ($"{name}/proj_bn/bias", $"({4 * features},)"), ($"{name}/proj_bn/scale", $"({4 * features},)")]);
        return [.. leaves];
    }

    [TestMethod]
    public void Resnet()
    {
        var x = Prng.Normal(PrngKey.Create(0), [1, 64, 64, 3]);
        var (y, variables) = Core.Init((s, input) => ResNet.Model(s, input, blockSizes: [2, 2], features: 16))(PrngKey.Create(1), x);
        CollectionAssert.AreEqual(new[] { 1, 1000 }, y.Shape);
        ShapeTree.AssertEqual(variables, [
            ("init_conv/kernel", "(7, 7, 3, 16)"), ("init_bn/bias", "(16,)"), ("init_bn/scale", "(16,)"),
            ("out/kernel", "(128, 1000)"), ("out/bias", "(1000,)"),
            .. Block("block_0_0", 16, 16, projection: true), .. Block("block_0_1", 64, 16, projection: false),
            .. Block("block_1_0", 64, 32, projection: true), .. Block("block_1_1", 128, 32, projection: false)]);
        Assert.AreEqual(283_256, ShapeTree.Count(variables));
        Assert.AreEqual(2_144, ShapeTree.Count(variables, "batch_stats"));
    }

    [TestMethod]
    public void ResnetAppliesToABatchAndUpdatesItsBatchStats()
    {
        static Tensor Model(Scope s, Tensor input) => ResNet.Model(s, input, blockSizes: [2, 2]);
        var x = Prng.Normal(PrngKey.Create(2), [2, 32, 32, 3]);
        var (_, variables) = Core.Init(Model)(PrngKey.Create(1), x);
        var (y, mutated) = Core.Apply(Model, mutable: "batch_stats")(variables, x);
        var (expected, expectedStats) = Evaluated.Apply((s, xs) => Model(s, xs[0]), variables, null, "batch_stats", x);
        TestData.AssertClose(expected, y, 1e-4, 1e-3);
        CollectionAssert.AreEqual(expectedStats!.Flatten().Keys.ToList(), mutated.Flatten().Keys.ToList());
        foreach (var (path, stat) in expectedStats.Flatten())
            TestData.AssertClose((NDArray)stat, (NDArray)mutated.Flatten()[path], 1e-4, 1e-3);
    }

    [TestMethod]
    public void Flow()
    {
        var x = NDArray.Ones(DType.Float32, 1, 3);
        var (y, variables) = Core.Init((s, input) => Examples.Design.Flow.Forward(s, input))(PrngKey.Create(0), x);
        CollectionAssert.AreEqual(new[] { 1, 3 }, y.Shape);
        ShapeTree.AssertEqual(variables, [.. new[] { "0", "1", "2" }.SelectMany(i => new[] { ($"{i}/kernel", "(3, 3)"), ($"{i}/bias", "(3,)") })]);
        Assert.AreEqual(36, ShapeTree.Count(variables));
        // float32 expm by scaling and squaring: the round trip holds to 1e-4 (Flax's allclose uses 1e-5 with JAX's Padé expm).
        TestData.AssertClose(x, Core.Apply((s, output) => Examples.Design.Flow.Backward(s, output))(variables, y), 1e-4, 1e-4);
    }

    [TestMethod]
    public void FlowExpmMatchesTheSeries()
    {
        var a = TestData.Normal(3, 3, 3);
        var (e, _) = Evaluated.Init((_, xs) => Examples.Design.Flow.Expm(xs[0]), PrngKey.Create(0), a);
        var m = a.ToArray<float>().Select(v => (double)v).ToArray();
        double[] sum = [1, 0, 0, 0, 1, 0, 0, 0, 1], term = [.. sum];
        for (int k = 1; k < 60; k++)
        {
            term = [.. Enumerable.Range(0, 9).Select(ij => Enumerable.Range(0, 3).Sum(l => term[ij / 3 * 3 + l] * m[l * 3 + ij % 3]) / k)];
            for (int i = 0; i < 9; i++) sum[i] += term[i];
        }
        TestData.AssertClose(NDArray.From(sum.Select(v => (float)v).ToArray(), 3, 3), e, 1e-5, 1e-5);
    }
}
