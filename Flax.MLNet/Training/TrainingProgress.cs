namespace Flax;

/// <summary>
/// Training progress, reported through <see cref="FlaxTrainingOptions.OnProgress"/> after every step and every epoch,
/// and through <see cref="FlaxTrainingOptions.Progress"/> after every epoch.
/// </summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Steps">The steps taken so far, over all epochs.</param>
/// <param name="Loss">The epoch's mean training loss so far (each batch's loss before its update).</param>
/// <param name="Accuracy">The epoch's mean training accuracy so far, or NaN when the labels are not class indices.</param>
/// <param name="RowsPerSecond">The epoch's training throughput so far.</param>
/// <param name="ValidationLoss">The mean loss on the held-out rows after the epoch, or NaN without validation (and
/// within an epoch).</param>
/// <param name="ValidationAccuracy">The accuracy on the held-out rows after the epoch, or NaN without validation or
/// class labels (and within an epoch).</param>
public sealed record TrainingProgress(int Epoch, int Steps, double Loss, double Accuracy, double RowsPerSecond,
    double ValidationLoss, double ValidationAccuracy)
{
    /// <summary>Whether this reports a finished epoch (with its validation); false for a step within it.</summary>
    public bool EndOfEpoch { get; init; } = true;

    /// <summary>The steps of this epoch done so far, from 1.</summary>
    public int EpochStep { get; init; }

    /// <summary>The steps one epoch takes.</summary>
    public int EpochSteps { get; init; }

    /// <summary>The loss of the last step's batch (before its update).</summary>
    public double StepLoss { get; init; } = double.NaN;

    /// <summary>The estimated time left in this epoch at its throughput so far (zero at its end).</summary>
    public TimeSpan EpochRemaining { get; init; }
}
