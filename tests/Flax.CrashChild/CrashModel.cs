namespace Flax.CrashChild;

/// <summary>
/// The model the crash tests write: a 64 → 512 → 512 → 16 perceptron (about 1.2 MB of float32 weights, so a write
/// takes long enough to be interrupted), with the variables of seed 0 (the "old" model) and seed 1 (the "new" one).
/// </summary>
public static class CrashModel
{
    /// <summary>The input width.</summary>
    public const int Features = 64;

    /// <summary>The formats the child writes.</summary>
    public static readonly string[] Formats = ["checkpoint", "safetensors", "package", "export", "mlnet"];

    private static Tensor Dense(Scope scope, Tensor x, int features)
    {
        var kernel = scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [x.Shape[^1], features]);
        var bias = scope.Param<Tensor>("bias", Initializers.Normal(0.1), [features]);
        return Tensor.MatMul(x, kernel) + bias;
    }

    /// <summary>The model.</summary>
    public static Tensor Mlp(Scope scope, Tensor x)
    {
        var h = Tensor.Maximum(Dense(scope.Push("Dense_0"), x, 512), 0.0);
        h = Tensor.Maximum(Dense(scope.Push("Dense_1"), h, 512), 0.0);
        return Dense(scope.Push("Dense_2"), h, 16);
    }

    /// <summary>The variables initialized from <paramref name="seed"/>.</summary>
    public static VariableDict Variables(int seed) => Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(seed), Input(1)).Variables;

    /// <summary><paramref name="rows"/> rows of input with values derived from their position.</summary>
    public static NDArray Input(int rows) =>
        NDArray.From(Enumerable.Range(0, rows * Features).Select(i => MathF.Sin(i * 0.37f)).ToArray(), rows, Features);

    /// <summary>One row of the ML.NET input.</summary>
    public sealed class Row
    {
        /// <summary>The features.</summary>
        [VectorType(Features)]
        public float[] X { get; set; } = [];
    }

    /// <summary><see cref="Input"/> as ML.NET rows.</summary>
    public static IDataView Data(MLContext ml, int rows)
    {
        var x = Input(rows).ToArray<float>();
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => new Row { X = x[(r * Features)..((r + 1) * Features)] }).ToArray());
    }
}
