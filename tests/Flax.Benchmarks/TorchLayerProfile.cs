using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Flax.Benchmarks;

/// <summary>
/// LibTorch's time for each layer of the CNN's train step, forward and backward, at the shapes of
/// <see cref="TorchCnn"/>: <c>dotnet run -c Release --project tests/Flax.Benchmarks -- torch-layers [batch] [rounds]</c>.
/// Each piece runs on its own inputs with autograd, on the thread that built them (as <see cref="InterleavedTrainComparison"/>),
/// and prints its median time per call. Set it beside the <c>profile</c> command's slowest nodes of our train-step graph
/// (node names carry the layer's scope, <c>Block_1/Conv_0/...</c>; the pooling and ReLU nodes carry none).
/// </summary>
internal static class TorchLayerProfile
{
    private const int Calls = 20;

    internal static void Run(int batch, int rounds)
    {
        TorchNative.Prepare();
        manual_seed(0);
        using var x0 = randn(batch, 1, 28, 28);
        using var w0 = randn(32, 1, 3, 3).requires_grad_();
        using var a0 = randn(batch, 32, 28, 28).requires_grad_();
        using var x1 = randn(batch, 32, 14, 14).requires_grad_();
        using var w1 = randn(64, 32, 3, 3).requires_grad_();
        using var a1 = randn(batch, 64, 14, 14).requires_grad_();
        using var bn0 = nn.BatchNorm2d(32);
        using var bn1 = nn.BatchNorm2d(64);
        var pieces = new (string Name, Action Call)[]
        {
            ("Block_0/Conv_0 forward", () => Forward(() => nn.functional.conv2d(x0, w0, padding: [1, 1]))),
            ("Block_0/Conv_0 forward + backward (kernel gradient)", () => Backward(() => nn.functional.conv2d(x0, w0, padding: [1, 1]), w0)),
            ("Block_0 batch norm + ReLU + max pool, forward + backward", () => Backward(() => nn.functional.max_pool2d(nn.functional.relu(bn0.call(a0)), 2), [a0, .. bn0.parameters()])),
            ("Block_1/Conv_0 forward", () => Forward(() => nn.functional.conv2d(x1, w1, padding: [1, 1]))),
            ("Block_1/Conv_0 forward + backward (input and kernel gradients)", () => Backward(() => nn.functional.conv2d(x1, w1, padding: [1, 1]), x1, w1)),
            ("Block_1 batch norm + ReLU + max pool, forward + backward", () => Backward(() => nn.functional.max_pool2d(nn.functional.relu(bn1.call(a1)), 2), [a1, .. bn1.parameters()])),
        };
        Console.WriteLine($"LibTorch, batch {batch}, {get_num_threads()} threads: median ms per call over {rounds} rounds of {Calls} calls");
        var times = pieces.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int p = 0; p < pieces.Length; p++) times[p].Add(Time(pieces[p].Call));
        for (int p = 0; p < pieces.Length; p++)
            Console.WriteLine($"| {pieces[p].Name} | {times[p].Order().ElementAt(times[p].Count / 2):F2} |");
    }

    private static void Forward(Func<TorchTensor> layer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        layer();
    }

    /// <summary>The layer's forward, then the gradients of <paramref name="inputs"/> from a cotangent of ones (what a train
    /// step needs of the layer; <c>autograd.grad</c> returns them instead of adding them to <c>.grad</c>).</summary>
    private static void Backward(Func<TorchTensor> layer, params TorchTensor[] inputs)
    {
        using var scope = NewDisposeScope();
        var y = layer();
        autograd.grad([y], inputs, [ones_like(y)]);
    }

    private static double Time(Action call)
    {
        call();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Calls; i++) call();
        return clock.Elapsed.TotalMilliseconds / Calls;
    }
}
