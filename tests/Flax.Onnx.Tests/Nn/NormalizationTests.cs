using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class NormalizationTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);

    private static NDArray Leaf(VariableDict variables, string path) => (NDArray)variables.Flatten()[path];

    private static float[] Floats(int seed, int n) => TestData.Normal(seed, n).ToArray<float>();

    [TestMethod]
    public void BatchNormInitCreatesStatsThenParamsAndNormalisesWithBatchStatistics()
    {
        var x = TestData.Normal(1, 4, 3, 5);
        var (y, variables) = Evaluated.Init((s, xs) => Flax.Nn.BatchNorm(s, xs[0]), Key0, x);

        Assert.AreEqual("batch_stats/mean, batch_stats/var, params/scale, params/bias", string.Join(", ", variables.Flatten().Keys));
        ShapeTree.AssertEqual(variables, "batch_stats", ("mean", "(5,)"), ("var", "(5,)"));
        TestData.AssertClose(NDArray.Zeros(DType.Float32, 5), Leaf(variables, "batch_stats/mean"), 0, 0);
        TestData.AssertClose(NDArray.Ones(DType.Float32, 5), Leaf(variables, "batch_stats/var"), 0, 0);
        var (expected, _, _) = NormReference.Batch(x, [.. Enumerable.Repeat(1f, 5)], new float[5], 1e-5);
        TestData.AssertClose(expected, y, 1e-4, 1e-4);
    }

    [TestMethod]
    public void BatchNormApplyUpdatesRunningStatisticsWithMomentum()
    {
        var x = TestData.Normal(2, 6, 4);
        var (scale, bias, raMean, raVar) = (Floats(3, 4), Floats(4, 4), Floats(5, 4), Floats(6, 4).Select(v => 1 + v * v).ToArray());
        var variables = DenseTests.Variables(("params/scale", NDArray.From(scale, 4)), ("params/bias", NDArray.From(bias, 4)),
            ("batch_stats/mean", NDArray.From(raMean, 4)), ("batch_stats/var", NDArray.From(raVar, 4)));
        var (y, mutated) = Evaluated.Apply((s, xs) => Flax.Nn.BatchNorm(s, xs[0], momentum: 0.9), variables, null, "batch_stats", x);

        var (expected, mean, variance) = NormReference.Batch(x, scale, bias, 1e-5);
        TestData.AssertClose(expected, y, 1e-4, 1e-4);
        Assert.AreEqual("batch_stats/mean, batch_stats/var", string.Join(", ", mutated!.Flatten().Keys));
        var newMean = raMean.Select((r, i) => (float)(r + 0.1 * (mean[i] - r))).ToArray();
        var newVar = raVar.Select((r, i) => (float)(r + 0.1 * (variance[i] - r))).ToArray();
        TestData.AssertClose(NDArray.From(newMean, 4), Leaf(mutated, "batch_stats/mean"), 1e-5, 1e-5);
        TestData.AssertClose(NDArray.From(newVar, 4), Leaf(mutated, "batch_stats/var"), 1e-5, 1e-5);
    }

    [TestMethod]
    public void BatchNormWithRunningAverageUsesTheStoredStatistics()
    {
        var x = TestData.Normal(7, 3, 2, 2, 3);
        var (raMean, raVar) = (Floats(8, 3), Floats(9, 3).Select(v => 1 + v * v).ToArray());
        var variables = DenseTests.Variables(("params/scale", NDArray.Ones(DType.Float32, 3)), ("params/bias", NDArray.Zeros(DType.Float32, 3)),
            ("batch_stats/mean", NDArray.From(raMean, 3)), ("batch_stats/var", NDArray.From(raVar, 3)));
        var (y, _) = Evaluated.Apply((s, xs) => Flax.Nn.BatchNorm(s, xs[0], useRunningAverage: true), variables, null, null, x);
        var running = (raMean.Select(v => (double)v).ToArray(), raVar.Select(v => (double)v).ToArray());
        TestData.AssertClose(NormReference.Batch(x, [1f, 1f, 1f], new float[3], 1e-5, running).Y, y, 1e-4, 1e-4);
    }

    [TestMethod]
    public void BatchNormNeedsItsCollectionMutableToUpdate()
    {
        var variables = DenseTests.Variables(("params/scale", NDArray.Ones(DType.Float32, 2)), ("params/bias", NDArray.Zeros(DType.Float32, 2)),
            ("batch_stats/mean", NDArray.Zeros(DType.Float32, 2)), ("batch_stats/var", NDArray.Ones(DType.Float32, 2)));
        var e = Assert.ThrowsExactly<ModifyScopeVariableException>(() =>
            Evaluated.Apply((s, xs) => Flax.Nn.BatchNorm(s.Push("bn"), xs[0]), Nest(variables, "bn"), null, null, TestData.Normal(1, 3, 2)));
        Assert.AreEqual("Cannot update variable \"mean\" in \"/bn\" because collection \"batch_stats\" is immutable.", e.Message);
    }

    [TestMethod]
    public void BatchNormOfOneFeatureHasScalarStatistics()
    {
        var (_, variables) = Evaluated.Init((s, xs) => Flax.Nn.BatchNorm(s, xs[0]), Key0, TestData.Normal(1, 4, 1));
        ShapeTree.AssertEqual(variables, ("bias", "()"), ("scale", "()"));
        ShapeTree.AssertEqual(variables, "batch_stats", ("mean", "()"), ("var", "()"));
    }

    [TestMethod]
    public void LayerNormNormalisesTheLastAxis()
    {
        var x = TestData.Normal(10, 2, 3, 6);
        var (scale, bias) = (Floats(11, 6), Floats(12, 6));
        var variables = DenseTests.Variables(("params/scale", NDArray.From(scale, 6)), ("params/bias", NDArray.From(bias, 6)));
        var (y, _) = Evaluated.Apply((s, xs) => Flax.Nn.LayerNorm(s, xs[0]), variables, null, null, x);
        TestData.AssertClose(NormReference.Layer(x, scale, bias, 1e-6), y, 1e-4, 1e-4);

        var (_, created) = Evaluated.Init((s, xs) => Flax.Nn.LayerNorm(s, xs[0]), Key0, x);
        Assert.AreEqual("params/scale, params/bias", string.Join(", ", created.Flatten().Keys));
        ShapeTree.AssertEqual(created, ("bias", "(6,)"), ("scale", "(6,)"));
    }

    [TestMethod]
    [DataRow(new[] { 2, 5, 8 }, 4, 0)]
    [DataRow(new[] { 3, 2, 3, 6 }, 0, 2)]
    [DataRow(new[] { 2, 12 }, 3, 0)]
    public void GroupNormNormalisesEachGroupOfEachExample(int[] shape, int numGroups, int groupSize)
    {
        var x = TestData.Normal(13, shape);
        int c = shape[^1], groups = numGroups > 0 ? numGroups : c / groupSize;
        var (scale, bias) = (Floats(14, c), Floats(15, c));
        int[] paramShape = [.. Enumerable.Repeat(1, shape.Length - 1), c];
        var variables = DenseTests.Variables(("params/scale", NDArray.From(scale, paramShape)), ("params/bias", NDArray.From(bias, paramShape)));
        var (y, _) = Evaluated.Apply((s, xs) => Flax.Nn.GroupNorm(s, xs[0], numGroups > 0 ? numGroups : null,
            groupSize > 0 ? groupSize : null), variables, null, null, x);
        TestData.AssertClose(NormReference.Group(x, groups, scale, bias, 1e-6), y, 1e-4, 1e-4);
    }

    [TestMethod]
    public void GroupNormParamsHaveFlaxCoreShape()
    {
        var (_, variables) = Evaluated.Init((s, xs) => Flax.Nn.GroupNorm(s, xs[0], numGroups: 2), Key0, TestData.Normal(1, 2, 3, 3, 4));
        ShapeTree.AssertEqual(variables, ("bias", "(1, 1, 1, 4)"), ("scale", "(1, 1, 1, 4)"));
    }

    [TestMethod]
    public void GroupNormNeedsExactlyOneOfGroupsAndGroupSize()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.GroupNorm(s, xs[0], numGroups: 2, groupSize: 2), Key0, TestData.Normal(1, 2, 4)));
        Assert.AreEqual("Either `num_groups` or `group_size` should be specified, but not both of them.", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.GroupNorm(s, xs[0], numGroups: null), Key0, TestData.Normal(1, 2, 4)));
        Assert.AreEqual("Either `num_groups` or `group_size` should be specified, but not both of them.", e.Message);
    }

    [TestMethod]
    public void GroupNormRejectsAGroupSizeThatDoesNotDivideTheChannels()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            Evaluated.Init((s, xs) => Flax.Nn.GroupNorm(s, xs[0], numGroups: null, groupSize: 4), Key0, TestData.Normal(1, 2, 6)));
        Assert.AreEqual("Number of channels (6) is not multiple of the group size (4). (Parameter 'groupSize')", e.Message);
    }

    private static VariableDict Nest(VariableDict variables, string child) =>
        VariableDict.Unflatten(variables.Flatten().Select(l =>
        {
            int slash = l.Key.IndexOf('/');
            return KeyValuePair.Create($"{l.Key[..slash]}/{child}{l.Key[slash..]}", l.Value);
        }).ToList());
}
