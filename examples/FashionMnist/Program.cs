// Fashion-MNIST, end to end in an ML.NET pipeline: a Flax-style CNN (two conv + batch norm + max pool blocks, two
// dense layers) that FlaxEstimator.Fit trains with Adam and a warmup-cosine schedule, each step one ONNX Runtime run
// of the forward pass, the backward pass and the update. Shows a live progress bar within each epoch (Spectre.Console),
// prints per-epoch training and validation metrics and the test accuracy, draws the curves per step (ScottPlot),
// exports the trained model to ONNX, and trains ML.NET's own LbfgsMaximumEntropy on the raw pixels for comparison.
//
//   dotnet run -c Release --project examples/FashionMnist -- [--epochs 3] [--limit 60000] [--batch 128] [--out DIR]
using System.CommandLine;
using System.Diagnostics;
using Flax;
using FashionMnist;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training images.", DefaultValueFactory = _ => 3 };
var limitOption = new Option<int>("--limit") { Description = "Train on at most this many images.", DefaultValueFactory = _ => int.MaxValue };
var batchOption = new Option<int>("--batch") { Description = "Images per training step.", DefaultValueFactory = _ => 128 };
var outOption = new Option<string>("--out") { Description = "Where the curves and the ONNX model go.", DefaultValueFactory = _ => Path.Combine("out", "fashion-mnist") };
var noBaselineOption = new Option<bool>("--no-baseline") { Description = "Skip ML.NET's LbfgsMaximumEntropy." };
var root = new RootCommand("Trains a Flax-style CNN on Fashion-MNIST in an ML.NET pipeline.")
{
    epochsOption, limitOption, batchOption, outOption, noBaselineOption,
};
root.SetAction(parsed => Run(parsed.GetValue(epochsOption), parsed.GetValue(limitOption), parsed.GetValue(batchOption),
    parsed.GetValue(outOption)!, !parsed.GetValue(noBaselineOption)));
return root.Parse(args).Invoke();

static int Run(int epochs, int limit, int batchSize, string output, bool baseline)
{
    if (epochs < 1 || limit < 1 || batchSize < 1)
    {
        AnsiConsole.MarkupLine("[red]--epochs, --limit and --batch take positive numbers.[/]");
        return 2;
    }
    Directory.CreateDirectory(output);
    var (train, test, source) = FashionData.Load();
    train = train.Take(limit);
    AnsiConsole.WriteLine($"Fashion-MNIST from {source}: {train.Count} training and {test.Count} test images.");

    var ml = new MLContext(seed: 0);
    int steps = epochs * (int)Math.Ceiling(train.Count * 0.95 / batchSize);
    var curves = new Curves();
    ProgressTask? bar = null;
    ProgressContext? live = null;
    var training = new FlaxTrainingOptions
    {
        TrainingModel = (s, x) => Cnn.Apply(s, x, train: true),
        Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
        Optimizer = Optimizers.Adam(Schedules.WarmupCosineDecay(0, 2e-3, Math.Min(200, steps / 4), steps, endValue: 1e-5)),
        Epochs = epochs,
        BatchSize = batchSize,
        ValidationFraction = 0.05,
        // Called on the training thread after every step and every epoch, in order.
        OnProgress = p =>
        {
            curves.Add(p);
            if (!p.EndOfEpoch)
            {
                bar ??= live!.AddTask($"epoch {p.Epoch}/{epochs}", maxValue: p.EpochSteps);
                bar.Value = p.EpochStep;
                bar.Description = $"epoch {p.Epoch}/{epochs}  loss {p.Loss:F4}  {p.RowsPerSecond:F0} rows/s";
                return;
            }
            bar?.StopTask();
            bar = null;
            AnsiConsole.WriteLine($"epoch {p.Epoch}: loss {p.Loss:F4}, accuracy {p.Accuracy:F4}, validation loss {p.ValidationLoss:F4}, " +
                $"validation accuracy {p.ValidationAccuracy:F4} ({p.RowsPerSecond / batchSize:F1} steps/s, {p.RowsPerSecond:F0} rows/s)");
        },
    };
    // Keys ordered by value, so that key k + 1 is class k and the model's output k scores it.
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
        .Append(ml.Transforms.ApplyFlaxModel("Score", "Pixels", (s, x) => Cnn.Apply(s, x, train: false), new FlaxModelOptions
        {
            InputShapes = [[FashionData.Side, FashionData.Side, 1]],
            Training = training,
        }));

    var clock = Stopwatch.StartNew();
    var model = AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
        .Start(context =>
        {
            live = context;
            return pipeline.Fit(ml.Data.LoadFromEnumerable(train.Rows()));
        });
    using var _ = model;
    AnsiConsole.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s.");

    var scored = model.Transform(ml.Data.LoadFromEnumerable(test.Rows()));
    var scores = scored.GetColumn<float[]>("Score").ToArray();
    double ours = scores.Select((row, i) => Array.IndexOf(row, row.Max()) == test.Labels[i] ? 1.0 : 0).Average();

    // FlaxTransformer.ExportOnnx writes the graph ML.NET's ApplyOnnxModel loads (inputs named after the columns, the
    // weights as plain initializers); Core.Export's file is for ONNX Runtime and other runtimes.
    var onnx = Path.Combine(output, "fashion_mnist.onnx");
    model.LastTransformer.ExportOnnx(onnx);
    var (lossPng, accuracyPng) = curves.Write(Path.Combine(output, "fashion_mnist"));
    AnsiConsole.WriteLine($"Wrote {onnx}, {lossPng} and {accuracyPng}.");

    string versus = baseline ? $", ML.NET LbfgsMaximumEntropy {Baseline.Accuracy(train, test):F4}" : "";
    AnsiConsole.WriteLine($"Test accuracy: Flax CNN {ours:F4}{versus}.");
    return 0;
}
