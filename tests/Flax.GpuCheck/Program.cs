using System.Diagnostics;
using Flax;
using Microsoft.ML;
using Microsoft.ML.Data;

// The CUDA path, checked on a machine with an NVIDIA GPU (README, "GPU check"). Build it with the CUDA package:
//   dotnet publish tests/Flax.GpuCheck -c Release -p:Gpu=true --self-contained -o out/gpucheck
// and run out/gpucheck/Flax.GpuCheck there (CUDA 13 and cuDNN 9 on the library path). It compares the Fashion-MNIST
// CNN of examples/FashionMnist on Cuda(0) with the same model on the CPU: inference, one SGD step's change of every
// variable, the losses of ten Adam and ten SGD steps, and an ML.NET Fit and FlaxTransformer's scores; then it times
// the train step and inference on each. Exit code 0: every check held (or Device.Auto runs on the CPU, so there was
// nothing to check); 1: a check failed. --dry-run compares the CPU with itself, to try the program without a GPU.

var cuda = args is ["--dry-run"] ? Device.Cpu : Device.Auto.Resolve();
Console.WriteLine($"Device.Auto runs on {Device.Auto.Resolve()}.");
if (!cuda.IsCuda && args is not ["--dry-run"])
{
    Console.WriteLine("No CUDA device: nothing to check.");
    return 0;
}

Func<Scope, Tensor, Tensor> eval = (s, x) => FashionMnist.Cnn.Apply(s, x, train: false);
Func<Scope, Tensor, Tensor> train = (s, x) => FashionMnist.Cnn.Apply(s, x, train: true);
var (images, labels) = Batch(512);
var (_, variables) = Core.Init(eval, device: Device.Cpu)(PrngKey.Create(0), images);
var failures = new List<string>();

// float32 on both, so each tolerance is relative to the largest magnitude. CUDA's convolutions and matrix products
// sum in other orders, and by default round their inputs to TF32 (a 10-bit mantissa, as JAX does on GPUs by
// default): gradients then differ by up to 3% and training amplifies that. With NVIDIA_TF32_OVERRIDE=0 (full
// float32) the tolerances are 50 to 1000 times tighter.
bool tf32 = Environment.GetEnvironmentVariable("NVIDIA_TF32_OVERRIDE") != "0";
double Tolerance(double float32, double withTf32) => tf32 ? withTf32 : float32;
void Compare(string what, float[] cpu, float[] gpu, double tolerance)
{
    double scale = cpu.Max(v => Math.Abs((double)v)), worst = cpu.Zip(gpu, (a, b) => Math.Abs((double)a - b)).Max();
    bool ok = worst <= tolerance * Math.Max(scale, 1e-30) && gpu.All(float.IsFinite);
    Console.WriteLine($"| {what} | {worst:G3} | {scale:G3} | {worst / scale:G3} | {(ok ? "ok" : "FAILED")} |");
    if (!ok) failures.Add(what);
}

// Runs one part of the check; an exception fails that part and the check goes on with the next.
void Section(string what, Action part)
{
    try
    {
        part();
    }
    catch (Exception e)
    {
        Console.WriteLine($"| {what} | {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} | | | FAILED |");
        Console.Error.WriteLine(e);
        failures.Add(what);
    }
}

Console.WriteLine(tf32 ? "CUDA may round float32 products to TF32 (NVIDIA_TF32_OVERRIDE is not 0): TF32 tolerances."
    : "NVIDIA_TF32_OVERRIDE=0: full float32 on CUDA, tight tolerances.");
Console.WriteLine();
Console.WriteLine("| check (Cuda(0) against the CPU) | max abs diff | max abs CPU | relative | |");
Console.WriteLine("|---|---:|---:|---:|---|");
Device[] devices = [Device.Cpu, cuda];
Section("inference", () =>
{
    var outputs = devices.Select(device => Core.Apply(eval, device: device)(variables, images).ToArray<float>()).ToArray();
    Compare("inference logits, batch 512", outputs[0], outputs[1], Tolerance(1e-5, 1e-2));
});

// Adam's first steps move every parameter by about its learning rate whatever the gradient's size, so a gradient
// near 0 that differs in sign moves it the other way: its losses are compared, and SGD's parameters.
(float[] Losses, IReadOnlyDictionary<string, object> Variables) Train(Device device, Optimizer optimizer, int steps)
{
    using var trainer = new Trainer(train, Losses.SoftmaxCrossEntropyWithIntegerLabels, optimizer, variables, device);
    float[] losses = [.. Enumerable.Range(0, steps).Select(_ => trainer.Step(images, labels).Loss)];
    return (losses, trainer.Variables.Flatten());
}
Section("Trainer with Adam", () =>
{
    var adam = devices.Select(device => Train(device, Optimizers.Adam(1e-3), 10)).ToArray();
    Compare("loss of 10 Adam steps", adam[0].Losses, adam[1].Losses, Tolerance(1e-4, 5e-2));
});
// One SGD step's change of each variable is the gradient times the learning rate (for the batch statistics, the
// momentum's share of the batch's): the gradients are compared relative to their own largest magnitude.
Section("Trainer with SGD", () =>
{
    var sgd = devices.Select(device => Train(device, Optimizers.Sgd(0.05), 1)).ToArray();
    var start = variables.Flatten();
    float[] Change(IReadOnlyDictionary<string, object> after, string path) =>
        [.. ((NDArray)after[path]).ToArray<float>().Zip(((NDArray)start[path]).ToArray<float>(), (a, b) => a - b)];
    foreach (var path in start.Keys)
        Compare($"{path}: change in one SGD step", Change(sgd[0].Variables, path), Change(sgd[1].Variables, path), Tolerance(1e-2, 5e-2));
    var ten = devices.Select(device => Train(device, Optimizers.Sgd(0.05), 10)).ToArray();
    Compare("loss of 10 SGD steps", ten[0].Losses, ten[1].Losses, Tolerance(1e-4, 5e-2));
});

var ml = new MLContext(seed: 0);
var (pixels, classes) = (images.ToArray<float>(), labels.ToArray<int>());
var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 512).Select(i => new Row { Pixels = pixels[(i * 784)..((i + 1) * 784)], Label = classes[i] }));
Section("ML.NET", () =>
{
    var scores = devices.Select(device =>
    {
        var training = new FlaxTrainingOptions
        {
            TrainingModel = train, Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Sgd(0.05),
            Epochs = 1, BatchSize = 128, ValidationFraction = 0,
        };
        var options = new FlaxModelOptions { Variables = variables, Training = training, Device = device, InputShapes = [[28, 28, 1]] };
        using var transformer = ml.Transforms.ApplyFlaxModel("Score", "Pixels", eval, options).Fit(rows);
        if (!transformer.Device.Equals(device)) failures.Add($"FlaxTransformer runs on {transformer.Device}, not {device}");
        return transformer.Transform(rows).GetColumn<float[]>("Score").SelectMany(row => row).ToArray();
    }).ToArray();
    Compare("ML.NET: FlaxEstimator.Fit (4 SGD steps), then scores", scores[0], scores[1], Tolerance(1e-3, 2e-1));
});

Console.WriteLine();
Console.WriteLine($"| timing ({Environment.ProcessorCount} CPU cores) | CPU ms | Cuda(0) ms | CPU / Cuda(0) |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (int batch in new[] { 128, 512 }) Section($"train step, batch {batch}", () =>
{
    var (x, y) = Batch(batch);
    var times = devices.Select(device =>
    {
        using var trainer = new Trainer(train, Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizers.Adam(1e-3), variables, device);
        return Time(() => trainer.Step(x, y), device.IsCuda ? 200 : 20);
    }).ToArray();
    Console.WriteLine($"| train step, batch {batch} | {times[0]:F2} | {times[1]:F2} | {times[0] / times[1]:F1}x |");
});
Section("inference, batch 1024", () =>
{
    var (x, _) = Batch(1024);
    var times = devices.Select(device =>
    {
        var apply = Core.Apply(eval, device: device);
        return Time(() => apply(variables, x), device.IsCuda ? 200 : 20);
    }).ToArray();
    Console.WriteLine($"| inference, batch 1024 (host in and out) | {times[0]:F2} | {times[1]:F2} | {times[0] / times[1]:F1}x |");
});

Console.WriteLine();
Console.WriteLine(failures.Count == 0 ? "GPU check: every check held." : $"GPU check FAILED: {string.Join("; ", failures)}.");
return failures.Count == 0 ? 0 : 1;

// Mean milliseconds per call after 5 warm-up calls.
static double Time(Action call, int runs)
{
    for (int i = 0; i < 5; i++) call();
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < runs; i++) call();
    return clock.Elapsed.TotalMilliseconds / runs;
}

// Uniform images in [0, 1) (NHWC) and labels in 0..9, the same for every call with one size.
static (NDArray Images, NDArray Labels) Batch(int size)
{
    var random = new Random(0);
    float[] pixels = [.. Enumerable.Range(0, size * 784).Select(_ => (float)random.NextDouble())];
    int[] classes = [.. Enumerable.Range(0, size).Select(_ => random.Next(10))];
    return (NDArray.From(pixels, size, 28, 28, 1), NDArray.From(classes, size));
}

internal sealed class Row
{
    [VectorType(784)]
    public float[] Pixels { get; set; } = [];

    public int Label { get; set; }
}
