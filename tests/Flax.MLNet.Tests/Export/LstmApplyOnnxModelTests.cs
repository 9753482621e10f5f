using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests.Export;

/// <summary>An LSTM classifier (Nn.Rnn over Lift.Scan) exported by Core.Export scores in ML.NET's ApplyOnnxModel like
/// Core.Apply (the model of examples/Sequence, untrained): its 6 steps exceed the default scan threshold, so the file
/// holds one ONNX Scan, and the reference is Core.Apply of the unrolled loop.</summary>
[TestClass]
public sealed class LstmApplyOnnxModelTests
{
    public TestContext TestContext { get; set; } = null!;

    private const int Length = 6;

    private static Tensor Classifier(Scope scope, Tensor x)
    {
        var steps = x.ExpandDims(-1);
        var (last, _) = Nn.Rnn(scope.Push("rnn"), Nn.LstmCell, steps, Nn.LstmCarry(steps.SliceInDim(0, 1, 1, 1).Squeeze(1), 4));
        return Nn.Dense(scope.Push("head"), last[1], 2);
    }

    private sealed class Row
    {
        [VectorType(Length)]
        [ColumnName("x")]
        public float[] X { get; set; } = [];
    }

    [TestMethod]
    public void ExportedLstmScoresInApplyOnnxModelLikeCoreApply()
    {
        var random = new System.Random(3);
        var rows = Enumerable.Range(0, 9).Select(_ => new Row { X = [.. Enumerable.Range(0, Length).Select(_ => (float)random.NextDouble() - 0.5f)] }).ToArray();
        var x = NDArray.From(rows.SelectMany(r => r.X).ToArray(), rows.Length, Length);
        var (_, variables) = Core.Init(Classifier, device: Device.Cpu)(PrngKey.Create(0), x);
        float[] expected;
        using (Lift.PinScanUnrollThreshold(int.MaxValue)) expected = Core.Apply(Classifier, device: Device.Cpu)(variables, x).ToArray<float>();

        var path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-lstm.onnx");
        Assert.IsGreaterThan(Lift.DefaultScanUnrollThreshold, Length);
        Core.Export(Classifier, variables, path, [new TensorSpec(DType.Float32, -1, Length)]);
        var graph = Flax.Lowering.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        Assert.AreEqual(1, graph.Node.Count(n => n.OpType == "Scan"));
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.ApplyOnnxModel(["output_0"], ["x"], path).Fit(data);
        var scores = transformer.Transform(data).GetColumn<float[]>("output_0").SelectMany(r => r).ToArray();

        Assert.HasCount(expected.Length, scores);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], scores[i], 1e-5 + 1e-5 * Math.Abs(expected[i]), $"element {i}");
    }
}
