using System.Diagnostics;

namespace Flax;

/// <summary>The epoch loop of <see cref="FlaxEstimator.Fit"/>: a seeded validation split, seeded shuffles, batches
/// through a <see cref="Trainer"/>, validation and early stopping, progress and cancellation.</summary>
internal static class ModelTraining
{
    /// <summary>Trains <paramref name="model"/> (the scored model) from <paramref name="variables"/> on
    /// <paramref name="data"/>, reporting each step and epoch to <see cref="FlaxTrainingOptions.OnProgress"/> and
    /// <paramref name="log"/>, and each epoch to <see cref="FlaxTrainingOptions.Progress"/>.</summary>
    /// <returns>The trained variables: the last epoch's, or with early stopping the best validated epoch's.</returns>
    /// <exception cref="ArgumentException">There are no rows, or too few for the validation split.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled.</exception>
    internal static VariableDict Train(Func<Scope, Tensor, Tensor> model, VariableDict variables, TrainingData data,
        FlaxTrainingOptions options, Device device, TrainingLog log)
    {
        if (data.Skipped > 0) log.Skipped(data.Skipped, data.Count + data.Skipped);
        if (data.Count == 0)
            throw new ArgumentException(data.Skipped == 0 ? "The training data has no rows."
                : $"The training data has no rows without NaN ({data.Skipped} left out).", nameof(data));
        var random = new Random(options.ShuffleSeed);
        var rows = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(rows);
        int held = (int)Math.Round(data.Count * options.ValidationFraction);
        if (data.Count - held < 1 || (options.ValidationFraction > 0 && held < 1))
            throw new ArgumentException($"{data.Count} row(s) cannot be split into training and validation rows with fraction {options.ValidationFraction}.", nameof(data));
        var order = rows[..^held];
        var validation = rows[^held..];

        var rngs = options.Rngs ?? new Rngs(("dropout", PrngKey.Create(options.ShuffleSeed)));
        using var trainer = new Trainer(options.TrainingModel ?? model, options.Loss, options.Optimizer, variables, device, rngs);
        using var evaluator = new LossEvaluator(model, options.Loss, device);
        int batchSize = options.BatchSize, steps = (order.Length + batchSize - 1) / batchSize;
        var (best, bestLoss, sinceBest) = (variables, double.PositiveInfinity, 0);
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            random.Shuffle(order);
            double loss = 0, accuracy = 0;
            var clock = Stopwatch.StartNew();
            for (int step = 1, start = 0; start < order.Length; step++, start += batchSize)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batchSize, order.Length - start);
                var (inputs, labels) = data.Batch(order.AsSpan(start, count));
                var metrics = trainer.Step(inputs, labels);
                (loss, accuracy) = (loss + metrics.Loss, accuracy + metrics.Accuracy);
                double seconds = clock.Elapsed.TotalSeconds, done = start + count;
                var within = new TrainingProgress(epoch, trainer.StepCount, loss / step, accuracy / step, done / seconds, double.NaN, double.NaN)
                {
                    EndOfEpoch = false,
                    EpochStep = step,
                    EpochSteps = steps,
                    StepLoss = metrics.Loss,
                    EpochRemaining = TimeSpan.FromSeconds(seconds / done * (order.Length - done)),
                };
                options.OnProgress?.Invoke(within);
                log.Step(within, options.Epochs);
            }
            (loss, accuracy) = (loss / steps, accuracy / steps);
            double rate = order.Length / clock.Elapsed.TotalSeconds;
            // One host copy of the variables per validated epoch (the trainer keeps them in ONNX Runtime values).
            var current = held == 0 ? null : trainer.Variables;
            var validated = current is null ? new TrainMetrics(float.NaN, float.NaN)
                : evaluator.Evaluate(current, Batches(data, validation, batchSize));
            var progress = new TrainingProgress(epoch, trainer.StepCount, loss, accuracy, rate, validated.Loss, validated.Accuracy)
            {
                EpochStep = steps,
                EpochSteps = steps,
            };
            options.Progress?.Report(progress);
            options.OnProgress?.Invoke(progress);
            log.Epoch(progress, options.Epochs);
            if (options.EarlyStoppingPatience is not { } patience || current is null) continue;
            if (validated.Loss < bestLoss) (best, bestLoss, sinceBest) = (current, validated.Loss, 0);
            else if (++sinceBest >= patience) return best;
        }
        return options.EarlyStoppingPatience is not null && held > 0 ? best : trainer.Variables;
    }

    private static IEnumerable<(NDArray, NDArray)> Batches(TrainingData data, int[] rows, int batchSize)
    {
        for (int start = 0; start < rows.Length; start += batchSize)
            yield return data.Batch(rows.AsSpan(start, Math.Min(batchSize, rows.Length - start)));
    }
}
