using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests.Export;

/// <summary>A file written by Core.Export loads in ML.NET's own ApplyOnnxModel and scores like Core.Apply.</summary>
[TestClass]
public sealed class ApplyOnnxModelTests
{
    public TestContext TestContext { get; set; } = null!;

    private static Tensor Dense(Scope scope, Tensor x, int features) =>
        Tensor.MatMul(x, scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [x.Shape[^1], features]))
        + scope.Param<Tensor>("bias", Initializers.Normal(0.1), [features]);

    private static Tensor Mlp(Scope scope, Tensor x) =>
        Dense(scope.Push("out"), Tensor.Maximum(Dense(scope.Push("hidden"), x, 8), 0.0), 3);

    private sealed class Row
    {
        [VectorType(4)]
        [ColumnName("x")]
        public float[] X { get; set; } = [];
    }

    [TestMethod]
    public void ExportedModelScoresInApplyOnnxModelLikeCoreApply()
    {
        var random = new System.Random(5);
        var rows = Enumerable.Range(0, 7).Select(_ => new Row { X = [.. Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble() - 0.5f)] }).ToArray();
        var x = NDArray.From(rows.SelectMany(r => r.X).ToArray(), rows.Length, 4);
        var (_, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), x);
        var expected = Core.Apply(Mlp, device: Device.Cpu)(variables, x).ToArray<float>();

        var path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-mlp.onnx");
        Core.Export(Mlp, variables, path, [new TensorSpec(DType.Float32, -1, 4)]);
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.ApplyOnnxModel(["output_0"], ["x"], path).Fit(data);
        var scores = transformer.Transform(data).GetColumn<float[]>("output_0").SelectMany(r => r).ToArray();

        Assert.HasCount(expected.Length, scores);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], scores[i], 1e-6 + 1e-6 * Math.Abs(expected[i]), $"element {i}");
    }
}
