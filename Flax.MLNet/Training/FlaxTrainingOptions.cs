namespace Flax;

/// <summary>
/// How <see cref="FlaxEstimator.Fit"/> trains the model (set <see cref="FlaxModelOptions.Training"/>; without it,
/// <c>Fit</c> only initializes): the label column, the loss and optimizer, epochs and batches, and where progress
/// goes. Each step is one compiled ONNX Runtime run of the model's forward and backward pass and the optimizer's
/// update (<see cref="Trainer"/>).
/// </summary>
public sealed record FlaxTrainingOptions
{
    /// <summary>The label column: a key (classes, fed as int32 indices from 0), Int32, Boolean, Single, or a
    /// known-size vector of Single (fed as float32). Default <c>"Label"</c>.</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>The per-example loss of the model's output and the labels, e.g.
    /// <see cref="Losses.SoftmaxCrossEntropyWithIntegerLabels"/>; its mean over a batch is minimized.</summary>
    public required Func<Tensor, Tensor, Tensor> Loss { get; init; }

    /// <summary>The optimizer, e.g. <c>Optimizers.Adam(1e-3)</c>.</summary>
    public required Optimizer Optimizer { get; init; }

    /// <summary>The model in training mode (batch statistics instead of running averages, dropout on), when it differs
    /// from the scored model; null (the default) trains the scored model itself.</summary>
    public Func<Scope, Tensor, Tensor>? TrainingModel { get; init; }

    /// <summary>Passes over the training rows. Default 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Epochs
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "Training takes at least one epoch.");
    } = 1;

    /// <summary>Rows per training step. Default 128.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int BatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "A batch holds at least one row.");
    } = 128;

    /// <summary>The seed of the shuffle that orders the rows of each epoch. Default 0.</summary>
    public int ShuffleSeed { get; init; }

    /// <summary>Receives the metrics of every epoch; null for none.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Stops training between steps; <c>Fit</c> then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }
}
