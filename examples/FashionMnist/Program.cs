// Fashion-MNIST, end to end in an ML.NET pipeline: a Flax-style CNN (two conv + batch norm + max pool blocks, two
// dense layers) that FlaxEstimator.Fit trains with Adam and a warmup-cosine schedule, each step one ONNX Runtime run
// of the forward pass, the backward pass and the update. Prints per-epoch training and validation metrics and the
// test accuracy, draws the curves as a PNG, exports the trained model to ONNX, and trains ML.NET's own
// LbfgsMaximumEntropy on the raw pixels for comparison.
//
//   dotnet run -c Release --project examples/FashionMnist [-- --epochs 4 --limit 60000 --out out/fashion-mnist]
using System.Diagnostics;
using Flax;
using FashionMnist;
using Microsoft.ML;
using Microsoft.ML.Data;

int epochs = Option("--epochs", 4), limit = Option("--limit", int.MaxValue), batchSize = Option("--batch", 128);
string output = Text("--out", Path.Combine("out", "fashion-mnist"));
Directory.CreateDirectory(output);

var (train, test, source) = FashionData.Load();
train = train.Take(limit);
Console.WriteLine($"Fashion-MNIST from {source}: {train.Count} training and {test.Count} test images.");

var ml = new MLContext(seed: 0);
int steps = epochs * (int)Math.Ceiling(train.Count * 0.95 / batchSize);
var curves = new List<TrainingProgress>();
var training = new FlaxTrainingOptions
{
    TrainingModel = (s, x) => Cnn.Apply(s, x, train: true),
    Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
    Optimizer = Optimizers.Adam(Schedules.WarmupCosineDecay(0, 2e-3, Math.Min(200, steps / 4), steps, endValue: 1e-5)),
    Epochs = epochs,
    BatchSize = batchSize,
    ValidationFraction = 0.05,
    Progress = new SyncProgress(p =>
    {
        curves.Add(p);
        Console.WriteLine($"epoch {p.Epoch}: loss {p.Loss:F4}, accuracy {p.Accuracy:F4}, validation loss {p.ValidationLoss:F4}, " +
            $"validation accuracy {p.ValidationAccuracy:F4} ({p.RowsPerSecond / batchSize:F1} steps/s, {p.RowsPerSecond:F0} rows/s)");
    }),
};
// Keys ordered by value, so that key k + 1 is class k and the model's output k scores it.
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
    .Append(ml.Transforms.ApplyFlaxModel("Score", "Pixels", (s, x) => Cnn.Apply(s, x, train: false), new FlaxModelOptions
    {
        InputShapes = [[FashionData.Side, FashionData.Side, 1]],
        Training = training,
    }));

var clock = Stopwatch.StartNew();
using var model = pipeline.Fit(ml.Data.LoadFromEnumerable(train.Rows()));
Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s.");

var scored = model.Transform(ml.Data.LoadFromEnumerable(test.Rows()));
var scores = scored.GetColumn<float[]>("Score").ToArray();
double ours = scores.Select((row, i) => Array.IndexOf(row, row.Max()) == test.Labels[i] ? 1.0 : 0).Average();

var onnx = Path.Combine(output, "fashion_mnist.onnx");
model.LastTransformer.ExportOnnx(onnx);
var png = Path.Combine(output, "fashion_mnist_curves.png");
CurvePlot.Write(png, curves);
Console.WriteLine($"Wrote {onnx} and {png} (loss on the left, accuracy on the right; training in red and blue, validation in orange and green).");

double baseline = Baseline.Accuracy(train, test);
Console.WriteLine($"Test accuracy: Flax CNN {ours:F4}, ML.NET LbfgsMaximumEntropy {baseline:F4}.");

int Option(string name, int fallback) => int.TryParse(Text(name, ""), out var value) ? value : fallback;

string Text(string name, string fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

/// <summary>Reports progress synchronously, on the training thread (<see cref="Progress{T}"/> would post it).</summary>
sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
