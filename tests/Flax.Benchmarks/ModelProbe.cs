using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Flax.Benchmarks;

/// <summary>
/// Times hand-made ONNX variants of one computation against each other, for graph experiments before they reach the
/// lowering: <c>dotnet run -c Release --project tests/Flax.Benchmarks -- model-probe first.onnx other.onnx ...</c>.
/// Every file must take the same float32 inputs (by name, static shapes) and give one output; each is run on random
/// inputs shared by all, with the trainer's intra-op thread count, and prints its median time per run over 7 rounds of
/// 20 runs, its ratio to the first file's, and the largest difference of its output from the first file's.
/// </summary>
internal static class ModelProbe
{
    private const int Rounds = 7, Runs = 20;

    internal static void Run(IReadOnlyList<string> files)
    {
        var random = new Random(1);
        var inputs = new Dictionary<string, DenseTensor<float>>();
        (float[] Output, double Ms)? first = null;
        foreach (var file in files)
        {
            using var options = new SessionOptions { IntraOpNumThreads = PhysicalCores.Value, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            using var session = new InferenceSession(file, options);
            var feeds = session.InputMetadata.Select(input =>
            {
                if (!inputs.TryGetValue(input.Key, out var tensor))
                    inputs[input.Key] = tensor = new DenseTensor<float>(
                        Enumerable.Range(0, input.Value.Dimensions.Aggregate(1, (p, d) => p * d)).Select(_ => random.NextSingle() - 0.5f).ToArray(),
                        input.Value.Dimensions);
                return NamedOnnxValue.CreateFromTensor(input.Key, tensor);
            }).ToList();
            float[] output;
            using (var results = session.Run(feeds)) output = results.First().AsTensor<float>().ToArray();
            var times = new List<double>();
            for (int round = 0; round < Rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < Runs; i++) using (session.Run(feeds)) { }
                times.Add(clock.Elapsed.TotalMilliseconds / Runs);
            }
            double ms = times.Order().ElementAt(Rounds / 2);
            first ??= (output, ms);
            string diff = output.Length == first.Value.Output.Length
                ? $"{output.Zip(first.Value.Output).Max(p => Math.Abs(p.First - p.Second)):E2}" : "(other output size)";
            Console.WriteLine($"{Path.GetFileName(file)}: {ms:F2} ms per run, {ms / first.Value.Ms:F2}x the first, max |output - first's| {diff}");
        }
    }
}
