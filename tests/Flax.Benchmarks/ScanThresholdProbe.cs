using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Benchmarks;

/// <summary>
/// The measurement behind <see cref="Lift.DefaultScanUnrollThreshold"/>: an LSTM (<see cref="Nn.Rnn"/> over
/// <see cref="Nn.LstmCell"/>) exported unrolled and as one ONNX <c>Scan</c> at several lengths, for a small and a medium
/// cell; prints per length the session creation plus first run (ms) and the median time per run (ms) of each form:
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- scan [runs] [batch]</c>.
/// </summary>
internal static class ScanThresholdProbe
{
    internal static void Run(int runs, int batch)
    {
        Console.WriteLine($"batch {batch}, {runs} runs after one warm-up, CPU, intra-op threads = ORT default");
        Console.WriteLine("cell (in -> hidden) | length | unrolled: create+first ms, run ms | Scan: create+first ms, run ms");
        foreach (var (input, hidden) in new[] { (8, 16), (64, 128) })
            foreach (var length in new[] { 2, 4, 8, 16, 32, 64, 128 })
            {
                Tensor Model(Scope s, Tensor x)
                {
                    var (_, ys) = Nn.Rnn(s.Push("rnn"), Nn.LstmCell, x, Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), hidden));
                    return ys;
                }
                var x = Prng.Normal(PrngKey.Create(1), [batch, length, input]);
                var (_, variables) = Core.Init(Model)(PrngKey.Create(0), x);
                var row = $"{input,3} -> {hidden,3} | {length,4}";
                foreach (var threshold in new[] { int.MaxValue, 0 })
                {
                    byte[] model;
                    using (Lift.PinScanUnrollThreshold(threshold))
                    using (var stream = new MemoryStream())
                    {
                        Core.Export(Model, variables, stream, [new TensorSpec(DType.Float32, [-1, length, input])], overridable: false);
                        model = stream.ToArray();
                    }
                    var (create, run) = Time(model, x, runs);
                    row += $" | {create,8:F1} {run,8:F3}";
                }
                Console.WriteLine(row);
            }
    }

    /// <summary>
    /// The train step of an LSTM classifier (a dense read-out of the last state, softmax cross-entropy, Adam) with the
    /// scan unrolled and as <c>Scan</c>s (the gradient then holds three): first step (trace, compile, run) and median
    /// step in ms: <c>dotnet run -c Release --project tests/Flax.Benchmarks -- scan-train [steps] [batch]</c>.
    /// </summary>
    internal static void Train(int steps, int batch)
    {
        Console.WriteLine($"batch {batch}, {steps} steps after the first, CPU");
        Console.WriteLine("cell (in -> hidden) | length | unrolled: first ms, step ms | Scan: first ms, step ms");
        foreach (var (input, hidden) in new[] { (8, 16), (64, 128) })
            foreach (var length in new[] { 4, 8, 16, 32, 64 })
            {
                Tensor Model(Scope s, Tensor x)
                {
                    var (last, _) = Nn.Rnn(s.Push("rnn"), Nn.LstmCell, x, Nn.LstmCarry(x.SliceInDim(0, 1, 1, 1).Squeeze(1), hidden));
                    return Nn.Dense(s.Push("head"), last[1], 2);
                }
                var x = Prng.Normal(PrngKey.Create(1), [batch, length, input]);
                var y = NDArray.From(Enumerable.Range(0, batch).Select(i => i % 2).ToArray(), batch);
                var (_, variables) = Core.Init(Model)(PrngKey.Create(0), x);
                var row = $"{input,3} -> {hidden,3} | {length,4}";
                foreach (var threshold in new[] { int.MaxValue, 0 })
                {
                    using var pinned = Lift.PinScanUnrollThreshold(threshold);
                    var watch = Stopwatch.StartNew();
                    using var trainer = new Trainer(Model, Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizers.Adam(Schedules.Constant(1e-3)), variables);
                    trainer.Step(x, y);
                    double first = watch.Elapsed.TotalMilliseconds;
                    var times = new double[steps];
                    for (int i = 0; i < steps; i++)
                    {
                        watch.Restart();
                        trainer.Step(x, y);
                        times[i] = watch.Elapsed.TotalMilliseconds;
                    }
                    Array.Sort(times);
                    row += $" | {first,8:F1} {times[steps / 2],8:F3}";
                }
                Console.WriteLine(row);
            }
    }

    private static (double CreateMs, double RunMs) Time(byte[] model, NDArray x, int runs)
    {
        var watch = Stopwatch.StartNew();
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray<float>(), Array.ConvertAll(x.Shape, d => (long)d));
        using var runOptions = new RunOptions();
        session.Run(runOptions, [session.InputNames[0]], [input], session.OutputNames).Dispose();
        double create = watch.Elapsed.TotalMilliseconds;
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            watch.Restart();
            session.Run(runOptions, [session.InputNames[0]], [input], session.OutputNames).Dispose();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (create, times[runs / 2]);
    }
}
