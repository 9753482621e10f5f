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

    /// <summary>
    /// For a model of several outputs (<c>ApplyFlaxModel</c> with several output columns): the output column whose model
    /// output is the loss's prediction, its first argument. Null (the default) takes the first output; a one-output
    /// model ignores it, and so does a <see cref="TrainingModel"/>, whose one output is the prediction. <c>Fit</c> throws
    /// <see cref="ArgumentException"/> when it names no output column.
    /// </summary>
    public string? PredictionColumnName { get; init; }

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

    /// <summary>
    /// The fraction of rows held out for validation, in <c>[0, 1)</c>: after one seeded shuffle the last
    /// <c>round(rows * fraction)</c> rows are never trained on, and after every epoch the scored model (running
    /// averages, no dropout) reports its loss and accuracy on them. Default 0 (no validation).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside <c>[0, 1)</c>.</exception>
    public double ValidationFraction
    {
        get;
        init => field = value is >= 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(ValidationFraction), value, "The validation fraction lies in [0, 1).");
    }

    /// <summary>
    /// Early stopping: with validation, training stops once the validation loss has not improved for this many epochs,
    /// and <c>Fit</c> keeps the variables of the best epoch. Null (the default) trains every epoch and keeps the last.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int? EarlyStoppingPatience
    {
        get;
        init => field = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), value, "The patience is at least one epoch.");
    }

    /// <summary>The seed of the shuffles: the validation split's and each epoch's order of the rows. Default 0.</summary>
    public int ShuffleSeed { get; init; }

    /// <summary>
    /// The base keys of the PRNG sequences the training model draws from, such as <c>dropout</c>; at step <c>t</c>
    /// (from 0) each is folded with <c>t</c>, as Flax's examples do (<see cref="Trainer.StepRngs"/>). Null (the
    /// default) gives <c>{"dropout": PrngKey.Create(ShuffleSeed)}</c>.
    /// </summary>
    public Rngs? Rngs { get; init; }

    /// <summary>Receives the metrics of every epoch; null for none. An <see cref="IProgress{T}"/> such as
    /// <see cref="Progress{T}"/> may post its reports asynchronously; <see cref="OnProgress"/> is called in order, on
    /// the training thread.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Called on the training thread after every step (<see cref="TrainingProgress.EndOfEpoch"/> false: the step's
    /// loss, the epoch's rows per second and estimated time left so far) and after every epoch (true: the epoch's
    /// metrics, as <see cref="Progress"/> receives them), in order, before <c>Fit</c> returns; null for none. Keep it
    /// short: training waits for it.
    /// </summary>
    public Action<TrainingProgress>? OnProgress { get; init; }

    /// <summary>
    /// Whether rows whose features or float label hold NaN are left out of training (the default, as ML.NET's own
    /// trainers leave out rows with missing values; the number left out goes to <c>mlContext.Log</c> as a warning).
    /// False makes <c>Fit</c> throw <see cref="ArgumentException"/> naming the first such row.
    /// </summary>
    public bool SkipRowsWithNaN { get; init; } = true;

    /// <summary>Stops training between steps; <c>Fit</c> then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }
}
