using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Benchmarks;

/// <summary>
/// <c>Core.Apply</c> against a raw ONNX Runtime <c>InferenceSession.Run</c> of the same exported MLP 64 → 256 → 256 → 10
/// (float32, CPU), at batch 1, 64 and 1024. Both create the input OrtValue over a managed array per call and copy the
/// output out, and both use one intra-op thread per physical core (<see cref="PhysicalCores"/>). The exported file holds
/// the weights as constants, as the model <c>Core.Apply</c> binds to a variables object it is called with repeatedly
/// (<see cref="ApplyState.SpecializeAfter"/> calls, which the warm-up passes), so the ratio is Core.Apply's own
/// overhead (the cache lookup, input checks, output wrapping). Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*ApplyBenchmarks*'</c>.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser(displayGenColumns: false)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class ApplyBenchmarks
{
    private static readonly TensorSpec Spec = new(DType.Float32, -1, 64);
    private VariableDict _variables = VariableDict.Empty;
    private ApplyFunction<NDArray, NDArray> _apply = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private NDArray _x = null!;
    private float[] _xData = [];
    private long[] _xShape = [];

    /// <summary>The number of rows per call.</summary>
    [Params(1, 64, 1024)]
    public int Batch { get; set; }

    private static Tensor Dense(Scope scope, Tensor x, int features) =>
        Tensor.MatMul(x, scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [x.Shape[^1], features]))
        + scope.Param<Tensor>("bias", Initializers.Zeros, [features]);

    /// <summary>The benchmarked model.</summary>
    public static Tensor Mlp(Scope scope, Tensor x)
    {
        x = Tensor.Maximum(Dense(scope.Push("Dense_0"), x, 256), 0.0);
        x = Tensor.Maximum(Dense(scope.Push("Dense_1"), x, 256), 0.0);
        return Dense(scope.Push("Dense_2"), x, 10);
    }

    [GlobalSetup]
    public void Setup()
    {
        _variables = Core.LazyInit(Mlp)(PrngKey.Create(0), Spec);
        using var model = new MemoryStream();
        Core.Export(Mlp, _variables, model, [Spec], overridable: false); // weights as constants: raw ONNX Runtime at its best
        using var options = new SessionOptions { IntraOpNumThreads = PhysicalCores.Value };
        _session = new InferenceSession(model.ToArray(), options);
        _runOptions = new RunOptions();
        var random = new System.Random(0);
        _xData = [.. Enumerable.Range(0, Batch * 64).Select(_ => (float)random.NextDouble())];
        _xShape = [Batch, 64];
        _x = NDArray.From(_xData, Batch, 64);
        _apply = Core.Apply(Mlp, device: Device.Cpu);
        _apply(_variables, _x);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>The baseline: one raw OrtValue run of the exported file.</summary>
    [Benchmark(Baseline = true)]
    public float[] RawInferenceSessionRun()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(_xData, _xShape);
        using var results = _session.Run(_runOptions, ["x"], [input], ["output_0"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The same model through <c>Core.Apply</c> with the variables.</summary>
    [Benchmark]
    public NDArray CoreApply() => _apply(_variables, _x);
}
