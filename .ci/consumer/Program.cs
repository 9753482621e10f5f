// A fresh project's first contact with the packages: Core.Init and Core.Apply, then an ML.NET pipeline that fits,
// scores and round-trips through mlContext.Model.Save/Load. .ci/consume.sh builds it against the local feed.
using Flax;
using Microsoft.ML;
using Microsoft.ML.Data;

static Tensor Mlp(Scope scope, Tensor x) =>
    Nn.Dense(scope.Push("out"), Nn.Relu(Nn.Dense(scope.Push("hidden"), x, features: 8)), features: 2);

var x = NDArray.Ones(DType.Float32, 3, 4);
if (args is ["--without-native-runtime"])
{
    // Built with the CPU natives excluded: the first call must say which package to add.
    try
    {
        Core.Init(Mlp)(PrngKey.Create(0), x);
        Check(false, "Core.Init ran without a native ONNX Runtime");
    }
    catch (DeviceUnavailableException e)
    {
        Check(e.Message.Contains("Add a PackageReference to Microsoft.ML.OnnxRuntime"), $"the message does not name the package: {e.Message}");
        Console.WriteLine("without a native runtime: DeviceUnavailableException names the package to add");
    }
    return;
}
var (y, variables) = Core.Init(Mlp)(PrngKey.Create(0), x);
NDArray applied = Core.Apply(Mlp)(variables, x);
Check(applied.Shape.SequenceEqual([3, 2]), $"Core.Apply gave shape ({string.Join(", ", applied.Shape)})");
Console.WriteLine($"Core.Init and Core.Apply on {Device.Auto.Resolve()}: y {string.Join(", ", y.ToArray<float>().Take(2))} ...");

var ml = new MLContext(seed: 0);
var rows = Enumerable.Range(0, 64).Select(i => new Row { Features = [i % 2, 1, 0, i / 64f], Class = (uint)(i % 2) }).ToArray();
var data = ml.Data.LoadFromEnumerable(rows);
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(ml.Transforms.ApplyFlaxModel("Score", "Features", Mlp, new FlaxModelOptions
{
    Training = new FlaxTrainingOptions { Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Adam(0.05), Epochs = 5, BatchSize = 16 },
}));
var model = pipeline.Fit(data);
var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
int correct = scores.Zip(rows).Count(p => (p.First[1] > p.First[0] ? 1u : 0u) == p.Second.Class);
Check(correct == rows.Length, $"the trained model classifies {correct} of {rows.Length} rows");

var path = Path.Combine(Path.GetTempPath(), $"consumer-{Guid.NewGuid():N}.zip");
ml.Model.Save(model, data.Schema, path);
var loaded = ml.Model.Load(path, out _);
File.Delete(path);
var reloaded = loaded.Transform(data).GetColumn<float[]>("Score").ToArray();
Check(reloaded.Zip(scores).All(p => p.First.Zip(p.Second).All(v => Math.Abs(v.First - v.Second) < 1e-5)), "Model.Load changed the scores");
var last = ((IEnumerable<ITransformer>)loaded).Last();
Check(last is FlaxTransformer, $"Model.Load gave {last.GetType().Name}, not the batched FlaxTransformer");
Console.WriteLine($"ML.NET pipeline: {correct}/{rows.Length} correct; Model.Load gives {last.GetType().Name}.");
Console.WriteLine("consumer OK");

static void Check(bool ok, string what)
{
    if (ok) return;
    Console.Error.WriteLine($"consumer FAILED: {what}");
    Environment.Exit(1);
}

sealed class Row
{
    [VectorType(4)] public float[] Features { get; set; } = [];
    public uint Class { get; set; }
}
