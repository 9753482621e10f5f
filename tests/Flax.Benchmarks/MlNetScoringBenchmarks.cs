using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Benchmarks;

/// <summary>
/// Scoring 100,000 rows through the MLP 64→256→256→10 in an ML.NET pipeline: (a) our batching FlaxTransformer,
/// (b) ML.NET's ApplyOnnxModel on the model we export (one ONNX Runtime run per row), (c) raw ONNX Runtime over
/// the same rows in batches of the transformer's batch size, without ML.NET (the baseline), with the transformer's
/// intra-op thread count (one per physical core, <see cref="PhysicalCores"/>); and (d) the input cursor alone, what
/// any ML.NET transformer pays per row before scoring, which (c) does not. Each invocation scores
/// every row, so the reported time is per row (rows/s = 1 / mean, the rows/s column). Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*MlNet*'</c>.
/// </summary>
/// <remarks>
/// The ratio of (a) to (c) is what counts, and the machine's speed drifts by more than the few percent between them.
/// So (c) is declared right after (a) (BenchmarkDotNet runs the cases in declaration order: the baseline runs next to
/// (a), not after the long (b)), and each case runs 10 measured iterations instead of a short run's 3.
/// </remarks>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[Config(typeof(RowsPerSecondColumn.Config))]
public class MlNetScoringBenchmarks
{
    private const int Rows = 100_000;
    private MlpFixture _mlp = null!;
    private ITransformer _onnx = null!;
    private InferenceSession _raw = null!;

    /// <summary>Rows per ONNX Runtime run, for (a) and (c).</summary>
    [Params(256, 1024)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _mlp = new MlpFixture(Rows, BatchSize);
        _onnx = _mlp.Ml.Transforms.ApplyOnnxModel("Score", "Features", _mlp.OnnxPath).Fit(_mlp.Data);
        using var options = new SessionOptions { IntraOpNumThreads = PhysicalCores.Value };
        _raw = new InferenceSession(_mlp.Onnx, options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        ((IDisposable)_onnx).Dispose();
        _mlp.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "(a) FlaxTransformer")]
    public float Flax() => ReadScores(_mlp.Flax.Transform(_mlp.Data));

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "(c) raw ONNX Runtime, batched")]
    public float RawOnnxRuntime()
    {
        var x = _mlp.Features;
        var y = new float[BatchSize * MlpFixture.Outputs];
        float sum = 0;
        using var options = new RunOptions();
        for (int first = 0; first < Rows; first += BatchSize)
        {
            int rows = Math.Min(BatchSize, Rows - first);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                x.AsMemory(first * MlpFixture.Inputs, rows * MlpFixture.Inputs), [rows, MlpFixture.Inputs]);
            using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                y.AsMemory(0, rows * MlpFixture.Outputs), [rows, MlpFixture.Outputs]);
            _raw.Run(options, ["Features"], [input], ["Score"], [output]);
            sum += y[0];
        }
        return sum;
    }

    /// <summary>What every ML.NET transformer pays before any scoring: the upstream cursor's rows and its feature getter
    /// (the <c>LoadFromEnumerable</c> view's per-row work), with no model run; (a) − (c) − (d) is what the scoring cursor adds.</summary>
    [Benchmark(OperationsPerInvoke = Rows, Description = "(d) ML.NET's input cursor alone")]
    public float InputCursor() => SumOfFirstValues(_mlp.Data, "Features");

    [Benchmark(OperationsPerInvoke = Rows, Description = "(b) ApplyOnnxModel")]
    public float ApplyOnnxModel() => ReadScores(_onnx.Transform(_mlp.Data));

    private static float ReadScores(IDataView scored) => SumOfFirstValues(scored, "Score");

    /// <summary>Reads every row of the vector column <paramref name="name"/> through a cursor; sums the first values.</summary>
    private static float SumOfFirstValues(IDataView view, string name)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> values = default;
        float sum = 0;
        while (cursor.MoveNext())
        {
            getter(ref values);
            sum += values.GetValues()[0];
        }
        return sum;
    }
}
