using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary><see cref="FlaxEstimator.Fit"/> trains a model with dropout: fresh masks from the step's key every step.</summary>
[TestClass]
public sealed class FitDropoutTests
{
    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public uint Class { get; set; }
    }

    private static IEnumerable<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int c = i % 2;
            return new Row { Features = [(float)(c * 3 + random.NextDouble() - 0.5), (float)(random.NextDouble() - 0.5)], Class = (uint)c + 1 };
        }).ToList();
    }

    private static Tensor Model(Scope scope, Tensor x, bool train)
    {
        var h = Flax.Nn.Relu(Models.Dense(scope.Push("Dense_0"), x, 16));
        return Models.Dense(scope.Push("Dense_1"), Flax.Nn.Dropout(scope.Push("Dropout_0"), h, 0.5, deterministic: !train), 2);
    }

    [TestMethod]
    public void FitTrainsAModelWithDropout()
    {
        var ml = new MLContext(seed: 0);
        IDataView Data(int seed) => ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Class))
            .Fit(ml.Data.LoadFromEnumerable(Rows(200, seed))).Transform(ml.Data.LoadFromEnumerable(Rows(200, seed)));
        var options = new FlaxModelOptions
        {
            Device = Device.Cpu,
            Training = new FlaxTrainingOptions
            {
                Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
                Optimizer = Optimizers.Adam(0.03),
                TrainingModel = (s, x) => Model(s, x, train: true),
                Epochs = 5,
                BatchSize = 32,
                Rngs = new Rngs(("dropout", PrngKey.Create(3))),
            },
        };
        using var model = ml.Transforms.ApplyFlaxModel("Score", nameof(Row.Features), (s, x) => Model(s, x, train: false), options).Fit(Data(1));
        var test = model.Transform(Data(2));
        var scores = test.GetColumn<float[]>("Score").ToArray();
        var labels = test.GetColumn<uint>("Label").ToArray();
        double accuracy = scores.Zip(labels).Average(p => Array.IndexOf(p.First, p.First.Max()) == p.Second - 1 ? 1.0 : 0);
        Assert.IsTrue(accuracy > 0.95, $"test accuracy {accuracy}");
    }
}
