using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Flax.MLNet.Tests;

/// <summary>Training progress reaches <c>mlContext.Log</c> as one <c>Info</c> line per epoch from source <c>Flax</c>.</summary>
[TestClass]
public sealed class TrainingLogTests
{
    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public uint Class { get; set; }
    }

    private static Tensor Classifier(Scope scope, Tensor x) => Models.Dense(scope.Push("Dense_0"), x, 2);

    private sealed class Collector : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    private static IDataView Data(MLContext ml) => ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Class))
        .Fit(ml.Data.LoadFromEnumerable(Rows())).Transform(ml.Data.LoadFromEnumerable(Rows()));

    private static IEnumerable<Row> Rows() =>
        Enumerable.Range(0, 40).Select(i => new Row { Features = [i % 2, 1 - i % 2], Class = (uint)(i % 2) + 1 });

    private static string Line(TrainingProgress p, string validation) => string.Create(CultureInfo.InvariantCulture,
        $"Epoch {p.Epoch}/3: step {p.Steps}, loss {p.Loss:F4}, accuracy {p.Accuracy:F4}, {p.RowsPerSecond:F0} rows/s{validation}");

    [TestMethod]
    public void EveryEpochIsLoggedToTheContext()
    {
        var ml = new MLContext(seed: 0);
        var messages = new ConcurrentQueue<LoggingEventArgs>();
        ml.Log += (_, e) => { if (e.Source == "Flax" && e.Kind == ChannelMessageKind.Info) messages.Enqueue(e); };
        var progress = new Collector();
        var options = new FlaxModelOptions
        {
            Device = Device.Cpu,
            Training = new FlaxTrainingOptions
            {
                Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Sgd(0.1), Epochs = 3, BatchSize = 8, Progress = progress,
            },
        };
        using var model = ml.Transforms.ApplyFlaxModel("Score", nameof(Row.Features), Classifier, options).Fit(Data(ml));

        Assert.HasCount(3, progress.Reports);
        CollectionAssert.AreEqual(progress.Reports.Select(p => $"[Source=Flax, Kind=Info] {Line(p, "")}").ToArray(),
            messages.Select(m => m.Message).ToArray());
        StringAssert.StartsWith(messages.First().RawMessage, "Epoch 1/3: step 5, loss ");
    }

    [TestMethod]
    public void ValidationMetricsAreLoggedWhenThereAreHeldOutRows()
    {
        var ml = new MLContext(seed: 0);
        var messages = new ConcurrentQueue<string>();
        ml.Log += (_, e) => { if (e.Source == "Flax" && e.Kind == ChannelMessageKind.Info) messages.Enqueue(e.RawMessage); };
        var progress = new Collector();
        var options = new FlaxModelOptions
        {
            Device = Device.Cpu,
            Training = new FlaxTrainingOptions
            {
                Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Sgd(0.1), Epochs = 3, BatchSize = 8,
                ValidationFraction = 0.25, Progress = progress,
            },
        };
        using var model = ml.Transforms.ApplyFlaxModel("Score", nameof(Row.Features), Classifier, options).Fit(Data(ml));

        CollectionAssert.AreEqual(progress.Reports.Select(p => Line(p, string.Create(CultureInfo.InvariantCulture,
            $", validation loss {p.ValidationLoss:F4}, validation accuracy {p.ValidationAccuracy:F4}"))).ToArray(), messages.ToArray());
    }

    /// <summary>The reflection lookup finds this ML.NET's environment (a rename in a later ML.NET fails here, not silently).</summary>
    [TestMethod]
    public void TheCatalogHasAnEnvironment() => Assert.IsNotNull(CatalogEnvironment.Of(new MLContext(seed: 0).Transforms));
}
