// Fashion-MNIST, end to end: a Flax-style CNN (two conv + batch norm + max pool blocks, two dense layers) trained
// with Adam on ONNX Runtime, one compiled graph per training step (forward, backward and update); per-epoch loss and
// accuracy, test accuracy, the curves as a PNG, the trained model as ONNX, and ML.NET's LbfgsMaximumEntropy on the
// raw pixels for comparison.
//
//   dotnet run -c Release --project examples/FashionMnist [-- --epochs 3 --limit 60000 --out out/fashion-mnist]
using System.Diagnostics;
using Flax;
using FashionMnist;

int epochs = Option("--epochs", 3), limit = Option("--limit", int.MaxValue), batchSize = Option("--batch", 128);
string output = OptionText("--out", Path.Combine("out", "fashion-mnist"));
Directory.CreateDirectory(output);

var (train, test, source) = FashionData.Load();
train = train.Take(limit);
Console.WriteLine($"Fashion-MNIST from {source}: {train.Count} training and {test.Count} test images.");

Func<Scope, Tensor, Tensor> training = (s, x) => Cnn.Apply(s, x, train: true);
Func<Scope, Tensor, Tensor> inference = (s, x) => Cnn.Apply(s, x, train: false);
var (_, variables) = Core.Init(inference, device: Device.Cpu)(PrngKey.Create(0), train.Batch([0, 1]).Images);

int stepsPerEpoch = (train.Count + batchSize - 1) / batchSize;
var schedule = Schedules.WarmupCosineDecay(0, 2e-3, Math.Min(200, stepsPerEpoch), epochs * stepsPerEpoch, endValue: 1e-5);
using var trainer = new Trainer(training, Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizers.Adam(schedule), variables, Device.Cpu);
var apply = Core.Apply(inference, device: Device.Cpu);

var curves = new List<(double Loss, double Accuracy, double TestAccuracy)>();
var random = new Random(0);
var order = Enumerable.Range(0, train.Count).ToArray();
var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    random.Shuffle(order);
    double loss = 0, accuracy = 0;
    var epochClock = Stopwatch.StartNew();
    for (int start = 0; start < train.Count; start += batchSize)
    {
        var (images, labels) = train.Batch(order.AsSpan(start, Math.Min(batchSize, train.Count - start)));
        var metrics = trainer.Step(images, labels);
        loss += metrics.Loss / stepsPerEpoch;
        accuracy += metrics.Accuracy / stepsPerEpoch;
    }
    double seconds = epochClock.Elapsed.TotalSeconds;
    double testAccuracy = Evaluate(trainer.Variables);
    curves.Add((loss, accuracy, testAccuracy));
    Console.WriteLine($"epoch {epoch}: loss {loss:F4}, accuracy {accuracy:F4}, test accuracy {testAccuracy:F4} " +
        $"({stepsPerEpoch / seconds:F1} steps/s, {train.Count / seconds:F0} rows/s)");
}
Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s.");

var onnx = Path.Combine(output, "fashion_mnist.onnx");
Core.Export(inference, trainer.Variables, onnx, [new TensorSpec(DType.Float32, -1, FashionData.Side, FashionData.Side, 1)]);
var png = Path.Combine(output, "fashion_mnist_curves.png");
CurvePlot.Write(png, curves);
Console.WriteLine($"Wrote {onnx} and {png}.");

var baseline = Baseline.Accuracy(train, test);
double ours = curves[^1].TestAccuracy;
Console.WriteLine($"Test accuracy: Flax CNN {ours:F4}, ML.NET LbfgsMaximumEntropy {baseline:F4}.");

// The test accuracy with the running batch statistics, in batches of 1000.
double Evaluate(VariableDict trained)
{
    int correct = 0;
    for (int start = 0; start < test.Count; start += 1000)
    {
        var indices = Enumerable.Range(start, Math.Min(1000, test.Count - start)).ToArray();
        var (images, labels) = test.Batch(indices);
        var logits = apply(trained, images).ToArray<float>();
        var truth = labels.ToArray<int>();
        for (int i = 0; i < indices.Length; i++)
        {
            var row = logits.AsSpan(i * 10, 10);
            if (row.IndexOf(Largest(row)) == truth[i]) correct++;
        }
    }
    return (double)correct / test.Count;
}

static float Largest(ReadOnlySpan<float> values)
{
    float max = float.NegativeInfinity;
    foreach (var v in values) max = Math.Max(max, v);
    return max;
}

int Option(string name, int fallback) => int.TryParse(OptionText(name, ""), out var value) ? value : fallback;

string OptionText(string name, string fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
