using BenchmarkDotNet.Attributes;

namespace Flax.Benchmarks;

/// <summary>
/// One training step (<see cref="Trainer.Step"/>: forward, backward and Adam update in one ONNX Runtime run, state
/// kept in ONNX Runtime values between steps) against one forward pass (<c>Core.Apply</c>) of the same Fashion-MNIST
/// CNN (two conv + batch norm + 2x2 max pool blocks of 32 and 64 channels, dense 128, dense 10) at batch 128 on the
/// CPU; the ratio is the cost of training relative to inference. Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*TrainStepBenchmarks*'</c>.
/// </summary>
[ShortRunJob]
public class TrainStepBenchmarks
{
    private Trainer _trainer = null!;
    private ApplyFunction<NDArray, NDArray> _apply = null!;
    private VariableDict _variables = null!;
    private NDArray _images = null!;
    private NDArray _labels = null!;

    private static Tensor Block(Scope scope, Tensor x, int features, bool train)
    {
        x = Nn.Conv(scope.Push("Conv_0"), x, features, kernelSize: [3, 3], bias: false);
        x = Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: !train, momentum: 0.9);
        return Nn.MaxPool(Nn.Relu(x), [2, 2], [2, 2]);
    }

    private static Tensor Cnn(Scope scope, Tensor x, bool train)
    {
        x = Block(scope.Push("Block_0"), x, 32, train);
        x = Block(scope.Push("Block_1"), x, 64, train);
        x = Nn.Relu(Nn.Dense(scope.Push("Dense_0"), x.Reshape(-1, 7 * 7 * 64), features: 128));
        return Nn.Dense(scope.Push("Dense_1"), x, features: 10);
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0);
        _images = NDArray.From(Enumerable.Range(0, 128 * 784).Select(_ => (float)random.NextDouble()).ToArray(), 128, 28, 28, 1);
        _labels = NDArray.From(Enumerable.Range(0, 128).Select(_ => random.Next(10)).ToArray(), 128);
        Func<Scope, Tensor, Tensor> inference = (s, x) => Cnn(s, x, train: false);
        var (_, variables) = Core.Init(inference, device: Device.Cpu)(PrngKey.Create(0), _images);
        _trainer = new Trainer((s, x) => Cnn(s, x, train: true), Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizers.Adam(1e-3), variables, Device.Cpu);
        _trainer.Step(_images, _labels);
        _apply = Core.Apply(inference, device: Device.Cpu);
        _variables = _trainer.Variables;
        _apply(_variables, _images);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    /// <summary>One forward pass of the batch.</summary>
    [Benchmark(Baseline = true)]
    public NDArray Forward() => _apply(_variables, _images);

    /// <summary>One training step on the batch.</summary>
    [Benchmark]
    public TrainMetrics TrainStep() => _trainer.Step(_images, _labels);
}
