// A sequence model trained end to end: an LSTM (Lift.Scan over linen's LSTMCell) learns whether a bit string holds
// more ones than zeros, is exported to ONNX with one Scan node, and scores in ML.NET's own ApplyOnnxModel exactly as
// Core.Apply does.
//
//   dotnet run -c Release --project examples/Sequence
using Flax;
using Microsoft.ML;
using Microsoft.ML.Data;

var (trainX, trainY, _) = Majority.Make(4096, seed: 1);
var (testX, testY, testRows) = Majority.Make(512, seed: 2);

// 1. Initialise and train with the Trainer (Adam, softmax cross-entropy), 64 sequences a step.
var (_, variables) = Core.Init(SequenceModel.Classifier)(PrngKey.Create(0), Slice(trainX, 0, 64));
using var trainer = new Trainer(SequenceModel.Classifier, Losses.SoftmaxCrossEntropyWithIntegerLabels,
    Optimizers.Adam(Schedules.Constant(0.01)), variables);
for (int epoch = 1; epoch <= 4; epoch++)
{
    TrainMetrics last = default;
    for (int start = 0; start < 4096; start += 64) last = trainer.Step(Slice(trainX, start, 64), Slice(trainY, start, 64));
    Console.WriteLine($"epoch {epoch}: loss {last.Loss:F4}, batch accuracy {last.Accuracy:P0}");
}
variables = trainer.Variables;

// 2. Test accuracy with Core.Apply.
var logits = Core.Apply(SequenceModel.Classifier)(variables, testX);
var predicted = Enumerable.Range(0, 512).Select(i => logits.Get<float>(i, 1) > logits.Get<float>(i, 0) ? 1 : 0).ToArray();
double accuracy = predicted.Zip(testY.ToArray<int>()).Count(p => p.First == p.Second) / 512.0;
Console.WriteLine($"test accuracy {accuracy:P1}");

// 3. Export and score in ML.NET's ApplyOnnxModel. The scan is longer than Lift.ScanUnrollThreshold, so the graph
// holds one ONNX Scan whose body is one LSTM step (a shorter scan would be unrolled, one LSTM step per bit).
var path = Path.Combine(Path.GetTempPath(), "majority-lstm.onnx");
Core.Export(SequenceModel.Classifier, variables, path, [new TensorSpec(DType.Float32, -1, Majority.Length)], overridable: false);
var nodes = OnnxNodes.OperatorTypes(path);
int scans = nodes.Count(op => op == "Scan");
Console.WriteLine($"exported graph: {nodes.Count} nodes, {scans} Scan ({Majority.Length} steps, Lift.ScanUnrollThreshold {Lift.ScanUnrollThreshold})");
var ml = new MLContext(seed: 0);
var data = ml.Data.LoadFromEnumerable(testRows.Select(r => new Majority.Row { X = r }));
using var onnx = ml.Transforms.ApplyOnnxModel(["output_0"], ["x"], path).Fit(data);
var scores = onnx.Transform(data).GetColumn<float[]>("output_0").SelectMany(r => r).ToArray();
var expected = logits.ToArray<float>();
double worst = scores.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"ApplyOnnxModel vs Core.Apply on {testRows.Length} rows: largest difference {worst:G3}");
if (!(worst <= 1e-5) || accuracy < 0.9 || scans != 1) return 1;
return 0;

static NDArray Slice(NDArray x, int start, int count)
{
    var shape = x.Shape;
    int row = shape[1..].Aggregate(1, (a, b) => a * b);
    return x.DType == DType.Int32
        ? NDArray.From(x.ToArray<int>()[(start * row)..((start + count) * row)], [count, .. shape[1..]])
        : NDArray.From(x.ToArray<float>()[(start * row)..((start + count) * row)], [count, .. shape[1..]]);
}
