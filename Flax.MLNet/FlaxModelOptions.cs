namespace Flax;

/// <summary>
/// How <see cref="FlaxEstimator"/> fits and runs a Flax model: where its variables come from, whether and how it is
/// trained, where it runs and how many rows one run scores.
/// </summary>
public sealed record FlaxModelOptions
{
    /// <summary>
    /// The seed of the PRNG key (<c>jax.random.key(seed)</c>) that <c>Core.Init</c> draws the parameters from when
    /// <see cref="Variables"/> is null. Default 0.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>How <c>Fit</c> trains the model on its input rows, starting from <see cref="Variables"/> or the
    /// initialized ones; null (the default) only initializes.</summary>
    public FlaxTrainingOptions? Training { get; init; }

    /// <summary>Pretrained variables (from <c>Core.Init</c>, training or a checkpoint): used as they are instead of initializing.</summary>
    public VariableDict? Variables { get; init; }

    /// <summary>
    /// Where the model runs: <see cref="Device.Auto"/> (the default: CUDA when it works, otherwise the CPU),
    /// <see cref="Device.Cpu"/> or <see cref="Device.Cuda"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public Device Device
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Device), "FlaxModelOptions.Device must be a Device (Device.Auto, Device.Cpu or Device.Cuda(id)).");
    } = Device.Auto;

    /// <summary>The most rows one ONNX Runtime run scores. Default 256.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int BatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "A batch holds at least one row.");
    } = 256;

    /// <summary>
    /// The row shape of each model input, in input column order, when the column's type does not give it: a column
    /// of 784 values that the model reads as <c>(28, 28, 1)</c>. Null (the default) takes each column's dimensions.
    /// The output's shape always comes from the model.
    /// </summary>
    public IReadOnlyList<int[]>? InputShapes { get; init; }
}
