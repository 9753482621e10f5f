using System.Diagnostics;

namespace Flax;

/// <summary>The epoch loop of <see cref="FlaxEstimator.Fit"/>: seeded shuffles, batches through a
/// <see cref="Trainer"/>, progress and cancellation.</summary>
internal static class ModelTraining
{
    /// <summary>Trains <paramref name="model"/> from <paramref name="variables"/> on <paramref name="data"/>.</summary>
    /// <returns>The trained variables.</returns>
    /// <exception cref="ArgumentException">There are no rows.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled.</exception>
    internal static VariableDict Train(Func<Scope, Tensor, Tensor> model, VariableDict variables, TrainingData data,
        FlaxTrainingOptions options, Device device)
    {
        if (data.Count == 0) throw new ArgumentException("The training data has no rows.", nameof(data));
        using var trainer = new Trainer(options.TrainingModel ?? model, options.Loss, options.Optimizer, variables, device);
        var order = Enumerable.Range(0, data.Count).ToArray();
        var random = new Random(options.ShuffleSeed);
        int batchSize = options.BatchSize, steps = (data.Count + batchSize - 1) / batchSize;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            random.Shuffle(order);
            double loss = 0, accuracy = 0;
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < data.Count; start += batchSize)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                var (inputs, labels) = data.Batch(order.AsSpan(start, Math.Min(batchSize, data.Count - start)));
                var metrics = trainer.Step(inputs, labels);
                (loss, accuracy) = (loss + metrics.Loss / steps, accuracy + metrics.Accuracy / steps);
            }
            options.Progress?.Report(new TrainingProgress(epoch, trainer.StepCount, loss, accuracy, data.Count / clock.Elapsed.TotalSeconds));
        }
        return trainer.Variables;
    }
}
