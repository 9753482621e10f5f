using BenchmarkDotNet.Attributes;
using Microsoft.ML;

namespace Flax.Benchmarks;

/// <summary>
/// Single-row latency through a <see cref="PredictionEngine{TSrc, TDst}"/> on the MLP 64→256→256→10: (a) over our
/// FlaxTransformer, (b) over ML.NET's ApplyOnnxModel on the model we export (the baseline). Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*MlNet*'</c>.
/// </summary>
[ShortRunJob]
public class MlNetLatencyBenchmarks
{
    private MlpFixture _mlp = null!;
    private ITransformer _onnx = null!;
    private PredictionEngine<MlpRow, MlpScore> _flaxEngine = null!, _onnxEngine = null!;
    private MlpScore _score = new();
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _mlp = new MlpFixture(rows: 1024, batchSize: 256);
        _onnx = _mlp.Ml.Transforms.ApplyOnnxModel("Score", "Features", _mlp.OnnxPath).Fit(_mlp.Data);
        _flaxEngine = _mlp.Ml.Model.CreatePredictionEngine<MlpRow, MlpScore>(_mlp.Flax);
        _onnxEngine = _mlp.Ml.Model.CreatePredictionEngine<MlpRow, MlpScore>(_onnx);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _flaxEngine.Dispose();
        _onnxEngine.Dispose();
        ((IDisposable)_onnx).Dispose();
        _mlp.Dispose();
    }

    [Benchmark(Description = "(a) PredictionEngine over FlaxTransformer")]
    public float Flax()
    {
        _flaxEngine.Predict(_mlp.RowObjects[_next++ & 1023], ref _score);
        return _score.Score[0];
    }

    [Benchmark(Baseline = true, Description = "(b) PredictionEngine over ApplyOnnxModel")]
    public float ApplyOnnxModel()
    {
        _onnxEngine.Predict(_mlp.RowObjects[_next++ & 1023], ref _score);
        return _score.Score[0];
    }
}
