using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.Benchmarks;

/// <summary>A row of the MLP benchmarks: 64 features.</summary>
public sealed class MlpRow
{
    [VectorType(MlpFixture.Inputs)]
    public float[] Features { get; set; } = [];
}

/// <summary>What the MLP benchmarks read back.</summary>
public sealed class MlpScore
{
    public float[] Score { get; set; } = [];
}

/// <summary>
/// The MLP 64→256→256→10 (ReLU) written as a Flax scope function, fitted as a FlaxTransformer on seeded random rows,
/// and exported to an ONNX file for ML.NET's ApplyOnnxModel and raw ONNX Runtime.
/// </summary>
internal sealed class MlpFixture : IDisposable
{
    public const int Inputs = 64, Hidden = 256, Outputs = 10;

    public MlpFixture(int rows, int batchSize)
    {
        var random = new Random(42);
        Features = new float[rows * Inputs];
        for (int i = 0; i < Features.Length; i++) Features[i] = random.NextSingle();
        RowObjects = Enumerable.Range(0, rows).Select(r => new MlpRow { Features = Features.AsSpan(r * Inputs, Inputs).ToArray() }).ToArray();
        Data = Ml.Data.LoadFromEnumerable(RowObjects);
        Flax = Ml.Transforms.ApplyFlaxModel("Score", "Features", Mlp, new FlaxModelOptions { BatchSize = batchSize }).Fit(Data);
        using var onnx = new MemoryStream();
        Flax.ExportOnnx(onnx);
        Onnx = onnx.ToArray();
        OnnxPath = Path.Combine(Path.GetTempPath(), $"flax-bench-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(OnnxPath, Onnx);
    }

    public MLContext Ml { get; } = new(seed: 0);

    /// <summary>Every row's features, back to back.</summary>
    public float[] Features { get; }

    public MlpRow[] RowObjects { get; }

    public IDataView Data { get; }

    public FlaxTransformer Flax { get; }

    public byte[] Onnx { get; }

    public string OnnxPath { get; }

    public static Tensor Mlp(Scope scope, Tensor x)
    {
        x = Tensor.Maximum(Dense(scope.Push("Dense_0"), x, Hidden), 0.0);
        x = Tensor.Maximum(Dense(scope.Push("Dense_1"), x, Hidden), 0.0);
        return Dense(scope.Push("Dense_2"), x, Outputs);
    }

    private static Tensor Dense(Scope scope, Tensor x, int features)
    {
        var kernel = scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [x.Shape[^1], features]);
        var bias = scope.Param<Tensor>("bias", Initializers.Zeros, [features]);
        return Tensor.MatMul(x, kernel) + bias;
    }

    public void Dispose()
    {
        Flax.Dispose();
        File.Delete(OnnxPath);
    }
}
