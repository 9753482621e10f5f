using System.Diagnostics;

namespace Flax.Benchmarks;

/// <summary>
/// The train step of <see cref="TorchTrainBenchmarks"/> timed without BenchmarkDotNet, as a cross-check of its LibTorch
/// column: <c>dotnet run -c Release --project tests/Flax.Benchmarks -- interleaved [batch] [rounds]</c>. Every
/// call runs on the thread that built both models; each round times 10 LibTorch steps, then 10 Flax steps (after 2
/// untimed steps of each), so both share the machine's load. Prints each round and the medians.
/// </summary>
/// <remarks>On this 2-vCPU VM LibTorch's step sometimes ran 2-3 times slower than its best for many seconds under
/// BenchmarkDotNet's in-process runner, which runs each case on a thread of its own; here it stays on one thread, as in
/// a training loop.</remarks>
internal static class InterleavedTrainComparison
{
    private const int Steps = 10;

    internal static void Run(int batch, int rounds)
    {
        var (images, labels) = FlaxCnn.Batch(batch);
        var (x, y) = (NDArray.From(images, batch, 28, 28, 1), NDArray.From(labels, batch));
        using var trainer = FlaxCnn.Trainer(x, y);
        using var torch = new TorchCnn();
        using var torchImages = TorchSharp.torch.tensor(images, [batch, 1, 28, 28]);
        using var torchLabels = TorchSharp.torch.tensor(labels.Select(l => (long)l).ToArray(), [batch]);
        var (torchMs, flaxMs) = (new List<double>(), new List<double>());
        Console.WriteLine($"batch {batch}, {rounds} rounds of {Steps} steps each, ms per step (LibTorch threads: {TorchSharp.torch.get_num_threads()}, ONNX Runtime intra-op threads: {PhysicalCores.Value})");
        for (int r = 0; r < rounds; r++)
        {
            torchMs.Add(Time(() => torch.Step(torchImages, torchLabels)));
            flaxMs.Add(Time(() => trainer.Step(x, y)));
            Console.WriteLine($"round {r + 1}: LibTorch {torchMs[^1]:F1}, Flax {flaxMs[^1]:F1}");
        }
        double torchMedian = Median(torchMs), flaxMedian = Median(flaxMs);
        Console.WriteLine($"median: LibTorch {torchMedian:F1} ms, Flax {flaxMedian:F1} ms; Flax images/s = {torchMedian / flaxMedian:F2}x LibTorch's");
    }

    private static double Time(Action step)
    {
        step();
        step();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Steps; i++) step();
        return clock.Elapsed.TotalMilliseconds / Steps;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
