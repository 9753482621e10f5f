using System.Diagnostics;
using Flax.CrashChild;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Flax.MLNet.Tests;

/// <summary>
/// Crash tests (issue 11): a child process (tests/Flax.CrashChild) writes the old and the new model in turn to one
/// destination and is killed (SIGKILL) at a random moment; the destination must then load as the old or the new
/// model, whole. 3 runs per format here; <c>FLAX_CRASH_RUNS=20</c> for the local run the README gives.
/// </summary>
[TestClass]
public sealed class CrashTests
{
    private static readonly Lazy<(VariableDict Old, VariableDict New)> Models = new(() => (CrashModel.Variables(0), CrashModel.Variables(1)));
    private static readonly Lazy<(float[] Old, float[] New)> Outputs = new(() => (Apply(Models.Value.Old), Apply(Models.Value.New)));

    public TestContext TestContext { get; set; } = null!;

    private static float[] Apply(VariableDict variables) => Core.Apply(CrashModel.Mlp, device: Device.Cpu)(variables, CrashModel.Input(3)).ToArray<float>();

    private static int Runs => int.TryParse(Environment.GetEnvironmentVariable("FLAX_CRASH_RUNS"), out var runs) && runs > 0 ? runs : 3;

    [TestMethod]
    public void AKilledCheckpointWriteLeavesTheOldOrTheNewCheckpoint() => Survives("checkpoint", path => Which(FlaxCheckpoint.Read(path)));

    [TestMethod]
    public void AKilledSafeTensorsWriteLeavesTheOldOrTheNewFile() => Survives("safetensors", path => Which(SafeTensors.Read(path)));

    [TestMethod]
    public void AKilledPackageSaveLeavesTheOldOrTheNewPackage() => Survives("package", path =>
    {
        using var loaded = FlaxTransformer.Load(new MLContext(seed: 0), path);
        return Which(loaded.Variables);
    });

    [TestMethod]
    public void AKilledExternalDataExportLeavesAMatchingModelAndDataFile() => Survives("export", path =>
    {
        using var session = new InferenceSession(path);
        var x = CrashModel.Input(3);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray<float>(), [3, CrashModel.Features]);
        using var results = session.Run(new RunOptions(), ["x"], [input], ["output_0"]);
        return Which(results[0].GetTensorDataAsSpan<float>().ToArray());
    });

    [TestMethod]
    public void AKilledAtomicModelSaveLeavesTheOldOrTheNewMlNetModel() => Survives("mlnet", path =>
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(path, out _);
        var scores = model.Transform(CrashModel.Data(ml, 3)).GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
        return Which(scores);
    });

    private static string Which(VariableDict loaded) =>
        loaded.Equals(Models.Value.Old) ? "old" : loaded.Equals(Models.Value.New) ? "new" : throw new AssertFailedException("a mixed model");

    private static string Which(float[] scores)
    {
        static bool Close(float[] a, float[] b) => a.Length == b.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-4f + 1e-4f * Math.Abs(p.First));
        return Close(Outputs.Value.Old, scores) ? "old" : Close(Outputs.Value.New, scores) ? "new"
            : throw new AssertFailedException($"outputs of neither model: {string.Join(", ", scores.Take(4))}…");
    }

    private void Survives(string format, Func<string, string> load)
    {
        var random = new System.Random(format.GetHashCode(StringComparison.Ordinal) ^ Environment.TickCount);
        var found = new Dictionary<string, int>();
        int leftovers = 0;
        for (int run = 0; run < Runs; run++)
        {
            var folder = Directory.CreateTempSubdirectory($"flax-crash-{format}-").FullName;
            try
            {
                var path = Path.Combine(folder, format == "export" ? "model.onnx" : "model.bin");
                int delay = random.Next(400);
                KillWhileWriting(format, path, delay);
                string state;
                try
                {
                    state = load(path);
                }
                catch (Exception e) when (e is not AssertFailedException)
                {
                    throw new AssertFailedException($"{format}, run {run}, killed {delay} ms after the first write: the destination does not load: {e}");
                }
                found[state] = found.GetValueOrDefault(state) + 1;
                leftovers += Directory.GetFiles(folder).Count(f => f.EndsWith(".tmp", StringComparison.Ordinal));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        TestContext.WriteLine($"{format}: {Runs} kills survived ({string.Join(", ", found.Select(f => $"{f.Value} {f.Key}"))}); " +
            $"{leftovers} temporary files left behind");
    }

    /// <summary>Starts the child, waits for its first complete write, lets it write on for <paramref name="delay"/> ms
    /// and kills it.</summary>
    private static void KillWhileWriting(string format, string path, int delay)
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", "--runtimeconfig", Path.Combine(folder, "Flax.MLNet.Tests.runtimeconfig.json"),
                     "--depsfile", Path.Combine(folder, "Flax.MLNet.Tests.deps.json"), Path.Combine(folder, "Flax.CrashChild.dll"), format, path })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The crash child did not start.");
        var stderr = child.StandardError.ReadToEndAsync();
        var ready = child.StandardOutput.ReadLineAsync();
        try
        {
            if (!ready.Wait(TimeSpan.FromMinutes(2)) || ready.Result != "ready")
                throw new AssertFailedException($"The crash child ({format}) did not get ready: {(child.HasExited ? stderr.Result : "timeout")}");
            Thread.Sleep(delay);
        }
        finally
        {
            if (!child.HasExited) child.Kill();
            child.WaitForExit();
        }
    }
}
