using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Flax.Benchmarks;

/// <summary>
/// The Fashion-MNIST CNN trained and run by Flax (<see cref="Trainer.Step"/>, <c>Core.Apply</c> on ONNX Runtime) and
/// by TorchSharp 0.107 (LibTorch 2.10, the baseline) in the same process, on the same random batch: a training step
/// (forward, backward, Adam) and an inference forward pass (running batch-norm statistics) at batch 128 and 512.
/// Backward + update relative to the forward pass is <c>(TrainStep - Forward) / Forward</c> of each engine; the
/// Allocated column is the managed memory one call allocates (ONNX Runtime's and LibTorch's native buffers aside). Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*TorchTrainBenchmarks*'</c>.
/// </summary>
[Config(typeof(InProcessConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
[MemoryDiagnoser]
public class TorchTrainBenchmarks
{
    private Trainer _trainer = null!;
    private ApplyFunction<NDArray, NDArray> _apply = null!;
    private VariableDict _variables = null!;
    private NDArray _images = null!, _labels = null!;
    private TorchCnn _torch = null!;
    private TorchTensor _torchImages = null!, _torchLabels = null!;

    /// <summary>The batch size.</summary>
    [Params(128, 512)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (images, labels) = FlaxCnn.Batch(Batch);
        (_images, _labels) = (NDArray.From(images, Batch, 28, 28, 1), NDArray.From(labels, Batch));
        _trainer = FlaxCnn.Trainer(_images, _labels);
        _variables = _trainer.Variables;
        _apply = Core.Apply((Scope s, Tensor x) => FlaxCnn.Apply(s, x, train: false), device: Device.Cpu);
        _apply(_variables, _images);
        _torch = new TorchCnn();
        _torchImages = TorchSharp.torch.tensor(images, [Batch, 1, 28, 28]);
        _torchLabels = TorchSharp.torch.tensor(labels.Select(l => (long)l).ToArray(), [Batch]);
        _torch.Step(_torchImages, _torchLabels);
        _torch.Predict(_torchImages);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer.Dispose();
        _torch.Dispose();
        _torchImages.Dispose();
        _torchLabels.Dispose();
    }

    /// <summary>A TorchSharp training step.</summary>
    [Benchmark(Baseline = true)]
    public float TorchTrainStep() => _torch.Step(_torchImages, _torchLabels);

    /// <summary>A Flax training step.</summary>
    [Benchmark]
    public TrainMetrics FlaxTrainStep() => _trainer.Step(_images, _labels);

    /// <summary>A TorchSharp forward pass (eval mode, no autograd).</summary>
    [Benchmark]
    public float TorchForward() => _torch.Predict(_torchImages);

    /// <summary>A Flax forward pass (<c>Core.Apply</c>, running statistics).</summary>
    [Benchmark]
    public NDArray FlaxForward() => _apply(_variables, _images);
}

/// <summary>
/// Inference of the Fashion-MNIST CNN (running batch-norm statistics) by Flax's <c>Core.Apply</c> and TorchSharp
/// (baseline, no autograd) at batch 1 and 1024. Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*TorchInferenceBenchmarks*'</c>.
/// </summary>
[Config(typeof(InProcessConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class TorchInferenceBenchmarks
{
    private ApplyFunction<NDArray, NDArray> _apply = null!;
    private VariableDict _variables = null!;
    private NDArray _images = null!;
    private TorchCnn _torch = null!;
    private TorchTensor _torchImages = null!;

    /// <summary>The batch size.</summary>
    [Params(1, 1024)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (images, _) = FlaxCnn.Batch(Batch);
        _images = NDArray.From(images, Batch, 28, 28, 1);
        Func<Scope, Tensor, Tensor> model = (s, x) => FlaxCnn.Apply(s, x, train: false);
        (_, _variables) = Core.Init(model, device: Device.Cpu)(PrngKey.Create(0), _images);
        _apply = Core.Apply(model, device: Device.Cpu);
        _apply(_variables, _images);
        _torch = new TorchCnn();
        _torchImages = TorchSharp.torch.tensor(images, [Batch, 1, 28, 28]);
        _torch.Predict(_torchImages);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torch.Dispose();
        _torchImages.Dispose();
    }

    /// <summary>TorchSharp inference.</summary>
    [Benchmark(Baseline = true)]
    public float TorchInference() => _torch.Predict(_torchImages);

    /// <summary>Flax inference.</summary>
    [Benchmark]
    public NDArray FlaxInference() => _apply(_variables, _images);
}
