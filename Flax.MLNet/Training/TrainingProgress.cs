namespace Flax;

/// <summary>The metrics of one training epoch, reported through <see cref="FlaxTrainingOptions.Progress"/>.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Steps">The steps taken so far, over all epochs.</param>
/// <param name="Loss">The epoch's mean training loss (each batch's loss before its update).</param>
/// <param name="Accuracy">The epoch's mean training accuracy, or NaN when the labels are not class indices.</param>
/// <param name="RowsPerSecond">The epoch's training throughput.</param>
/// <param name="ValidationLoss">The mean loss on the held-out rows after the epoch, or NaN without validation.</param>
/// <param name="ValidationAccuracy">The accuracy on the held-out rows after the epoch, or NaN without validation or
/// class labels.</param>
public sealed record TrainingProgress(int Epoch, int Steps, double Loss, double Accuracy, double RowsPerSecond,
    double ValidationLoss, double ValidationAccuracy);
