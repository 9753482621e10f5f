using System.Reflection;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Flax.Benchmarks;

/// <summary>
/// ONNX Runtime's per-operator profile of the Fashion-MNIST CNN's compiled train-step graph (the graph
/// <see cref="Trainer"/> runs), summed by operator type: <c>dotnet run -c Release --project tests/Flax.Benchmarks --
/// profile [batch] [runs] [standard]</c>, with the trainer's intra-op thread count; <c>standard</c> profiles the same
/// program lowered to standard ONNX only, without ONNX Runtime's blocked convolutions (<see cref="NchwcBlock"/>). Prints the node count after ONNX Runtime's optimizations, the mean time per run, and
/// one row per operator type (time per run, share, node count), largest first.
/// </summary>
internal static class TrainStepProfile
{
    internal static void Run(int batch, int runs, bool standard = false)
    {
        var (images, labels) = FlaxCnn.Batch(batch);
        var (x, y) = (NDArray.From(images, batch, 28, 28, 1), NDArray.From(labels, batch));
        using var trainer = FlaxCnn.Trainer(x, y);
        var step = (TracedModel)typeof(Trainer).GetField("_step", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(trainer)!;
        var onnx = standard ? Lowerer.Lower(step.Traced.Program, step.Traced.InputNames) : step.Onnx;
        Console.WriteLine(standard || NchwcBlock.Size == 0 ? "convolutions: standard ONNX" : $"convolutions: ONNX Runtime's blocked ones (NCHWc, block {NchwcBlock.Size})");
        var values = new Dictionary<string, object>(trainer.Variables.Flatten());
        foreach (var (path, value) in trainer.OptimizerState.Flatten()) values["opt_state/" + path] = value;

        var prefix = Path.Combine(Path.GetTempPath(), $"flax-profile-{Environment.ProcessId}");
        using var options = new SessionOptions { IntraOpNumThreads = PhysicalCores.Value, EnableProfiling = true, ProfileOutputPathPrefix = prefix, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (Environment.GetEnvironmentVariable("FLAX_PROFILE_SAVE") is { Length: > 0 } save)
        {
            File.WriteAllBytes(save, onnx.ToBytes());
            options.OptimizedModelFilePath = save + ".optimized.onnx";
        }
        using var session = new InferenceSession(onnx.ToBytes(), options);
        var feeds = new List<NamedOnnxValue>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            var shape = meta.Dimensions.Select(d => d < 0 ? batch : d).ToArray();
            if (meta.ElementType == typeof(int))
                feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(shape.SequenceEqual([batch]) ? labels
                    : values.TryGetValue(name, out var count) && count is NDArray c ? c.ToArray<int>() : new int[shape.Aggregate(1, (p, d) => p * d)], shape)));
            else if (shape.Length == 4 && shape[0] == batch && shape[^1] == 1) feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(images, shape)));
            else
            {
                var data = values.TryGetValue(name, out var v) && v is NDArray a ? a.ToArray<float>() : new float[shape.Aggregate(1, (p, d) => p * d)];
                feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, shape)));
            }
        }
        for (int i = 0; i < 3 + runs; i++)
            using (session.Run(feeds)) { }
        var file = session.EndProfiling();
        Summarize(file, runs + 3, runs);
        if (Environment.GetEnvironmentVariable("FLAX_PROFILE_KEEP") is not { Length: > 0 }) File.Delete(file);
        else Console.WriteLine($"profile: {file}");
    }

    /// <summary>Prints the node events of the last <paramref name="measured"/> runs summed by operator type.</summary>
    private static void Summarize(string file, int total, int measured)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var runs = doc.RootElement.EnumerateArray().Where(e => e.GetProperty("name").GetString() == "model_run").ToList();
        var from = runs[total - measured].GetProperty("ts").GetInt64();
        var byOp = new Dictionary<string, (double Us, HashSet<string> Nodes)>();
        var byNode = new Dictionary<string, (string Op, double Us)>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.GetProperty("cat").GetString() != "Node" || e.GetProperty("ts").GetInt64() < from) continue;
            var name = e.GetProperty("name").GetString()!;
            if (!name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
            byNode[name] = (op, (byNode.TryGetValue(name, out var seen) ? seen.Us : 0) + e.GetProperty("dur").GetInt64());
            var entry = byOp.TryGetValue(op, out var existing) ? existing : (0, new HashSet<string>());
            entry.Nodes.Add(name);
            byOp[op] = (entry.Us + e.GetProperty("dur").GetInt64(), entry.Nodes);
        }
        double runUs = runs.Skip(total - measured).Average(r => r.GetProperty("dur").GetInt64());
        double nodeUs = byOp.Values.Sum(v => v.Us) / measured;
        Console.WriteLine($"train-step graph: {byOp.Values.Sum(v => v.Nodes.Count)} nodes after optimization, {runUs / 1000:F1} ms per run ({nodeUs / 1000:F1} ms in nodes), {measured} runs");
        Console.WriteLine("| op type | ms/run | share | nodes |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (op, (us, nodes)) in byOp.OrderByDescending(kv => kv.Value.Us))
            Console.WriteLine($"| {op} | {us / measured / 1000:F2} | {100 * us / measured / nodeUs:F1}% | {nodes.Count} |");
        Console.WriteLine();
        Console.WriteLine("| slowest nodes | op type | ms/run |");
        Console.WriteLine("|---|---|---:|");
        foreach (var (name, (op, us)) in byNode.OrderByDescending(kv => kv.Value.Us).Take(int.TryParse(Environment.GetEnvironmentVariable("FLAX_PROFILE_TOP"), out var top) ? top : 25))
            Console.WriteLine($"| {name[..^"_kernel_time".Length]} | {op} | {us / measured / 1000:F2} |");
    }
}
