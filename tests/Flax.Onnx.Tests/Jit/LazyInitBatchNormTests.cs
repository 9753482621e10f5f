namespace Flax.Tests.Jit;

/// <summary>
/// <c>Core.LazyInit</c> and <c>Core.Tabulate</c> of models with batch norm, whose running statistics are initialised by
/// a <c>Variable</c> init function returning a host array (a trace constant), as Flax's <c>lazy_init</c> and
/// <c>tabulate</c> accept them: the Fashion-MNIST example's CNN (<c>examples/FashionMnist/Cnn.cs</c>), replicated.
/// </summary>
[TestClass]
public sealed class LazyInitBatchNormTests
{
    private static readonly TensorSpec Images = new(DType.Float32, -1, 28, 28, 1);

    private static Tensor Cnn(Scope scope, Tensor x, bool train)
    {
        x = Block(scope.Push("Block_0"), x, 32, train);
        x = Block(scope.Push("Block_1"), x, 64, train);
        x = x.Reshape(-1, 7 * 7 * 64);
        x = Flax.Nn.Relu(Flax.Nn.Dense(scope.Push("Dense_0"), x, features: 128));
        return Flax.Nn.Dense(scope.Push("Dense_1"), x, features: 10);
    }

    private static Tensor Block(Scope scope, Tensor x, int features, bool train)
    {
        x = Flax.Nn.Conv(scope.Push("Conv_0"), x, features, kernelSize: [3, 3], bias: false);
        x = Flax.Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: !train, momentum: 0.9);
        return Flax.Nn.MaxPool(Flax.Nn.Relu(x), [2, 2], [2, 2]);
    }

    private static readonly (string Path, string Shape)[] Expected =
    [
        ("params/Block_0/Conv_0/kernel", "(3, 3, 1, 32)"), ("params/Block_0/BatchNorm_0/scale", "(32,)"), ("params/Block_0/BatchNorm_0/bias", "(32,)"),
        ("params/Block_1/Conv_0/kernel", "(3, 3, 32, 64)"), ("params/Block_1/BatchNorm_0/scale", "(64,)"), ("params/Block_1/BatchNorm_0/bias", "(64,)"),
        ("params/Dense_0/kernel", "(3136, 128)"), ("params/Dense_0/bias", "(128,)"), ("params/Dense_1/kernel", "(128, 10)"), ("params/Dense_1/bias", "(10,)"),
        ("batch_stats/Block_0/BatchNorm_0/mean", "(32,)"), ("batch_stats/Block_0/BatchNorm_0/var", "(32,)"),
        ("batch_stats/Block_1/BatchNorm_0/mean", "(64,)"), ("batch_stats/Block_1/BatchNorm_0/var", "(64,)"),
    ];

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void LazyInitReturnsTheBatchStatistics(bool train)
    {
        var variables = Core.LazyInit((Scope s, Tensor x) => Cnn(s, x, train))(PrngKey.Create(0), Images).Flatten();
        CollectionAssert.AreEquivalent(Expected.Select(e => e.Path).ToArray(), variables.Keys.ToArray());
        foreach (var (path, shape) in Expected)
            Assert.AreEqual(shape, Shapes.Format(((NDArray)variables[path]).Shape), path);
        foreach (var block in new[] { "Block_0", "Block_1" })
        {
            Assert.IsTrue(((NDArray)variables[$"batch_stats/{block}/BatchNorm_0/mean"]).ToArray<float>().All(v => v == 0), $"{block} mean");
            Assert.IsTrue(((NDArray)variables[$"batch_stats/{block}/BatchNorm_0/var"]).ToArray<float>().All(v => v == 1), $"{block} var");
        }

        // The same values as Init, which runs the model on data.
        var (_, initialized) = Core.Init((Scope s, Tensor x) => Cnn(s, x, train), device: Device.Cpu)(PrngKey.Create(0), NDArray.Zeros(DType.Float32, 2, 28, 28, 1));
        foreach (var (path, value) in initialized.Flatten())
            CollectionAssert.AreEqual(((NDArray)value).ToArray<float>(), ((NDArray)variables[path]).ToArray<float>(), path);
    }

    [TestMethod]
    public void TabulatePrintsTheBatchStatistics()
    {
        var table = Core.Tabulate((s, x) => Cnn(s, x, train: true), Images);
        foreach (var (path, shape) in Expected)
        {
            var collection = path[..path.IndexOf('/')];
            var rest = path[(collection.Length + 1)..];
            Assert.IsTrue(table.Split('\n').Any(line => line.Contains(collection) && line.Contains(rest) && line.Contains(shape)), $"no row for {path} {shape}:\n{table}");
        }
        StringAssert.Contains(table, "batch_stats");
    }

    [TestMethod]
    public void AVariableInitialisedWithAHostArrayIsKnown()
    {
        // Any user variable initialised the same way, not only batch norm's.
        static Tensor Counted(Scope s, Tensor x)
        {
            var seen = s.Variable<Tensor>("state", "seen", () => NDArray.From([7f, 8f], 2));
            return x * seen.Value.Sum();
        }
        var variables = Core.LazyInit(Counted)(PrngKey.Create(0), new TensorSpec(DType.Float32, -1, 2));
        CollectionAssert.AreEqual(new[] { 7f, 8f }, ((NDArray)variables.Flatten()["state/seen"]).ToArray<float>());
    }
}
