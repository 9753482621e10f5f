namespace Flax;

/// <summary>What one training step measured on its batch, before its update.</summary>
/// <param name="Loss">The mean loss.</param>
/// <param name="Accuracy">The fraction of rows whose largest logit is at the label (<see cref="Metrics.Accuracy"/>), or
/// NaN when the labels are not integer class indices.</param>
public readonly record struct TrainMetrics(float Loss, float Accuracy);
