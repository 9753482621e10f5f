using System.Globalization;
using Microsoft.ML.Runtime;

namespace Flax;

/// <summary>
/// Training progress as ML.NET log messages: one <c>Info</c> line per epoch on a <c>Flax</c> channel of the
/// <see cref="MLContext"/>'s environment, which <c>mlContext.Log</c> subscribers receive with source <c>Flax</c>.
/// Owns the channel; dispose it when training ends.
/// </summary>
internal sealed class TrainingLog : IDisposable
{
    /// <summary>The channel (and message source) name.</summary>
    internal const string Source = "Flax";

    private readonly IChannel? _channel;

    /// <summary>Opens the channel on <paramref name="environment"/>; with null, messages go nowhere.</summary>
    internal TrainingLog(IHostEnvironment? environment) => _channel = environment?.Start(Source);

    /// <summary>Logs <paramref name="progress"/> of epoch <c>progress.Epoch</c> of <paramref name="epochs"/>, e.g.
    /// <c>Epoch 2/5: step 938, loss 0.3141, accuracy 0.8870, 5120 rows/s, validation loss 0.3300, validation accuracy 0.8800</c>.</summary>
    internal void Epoch(TrainingProgress progress, int epochs)
    {
        if (_channel is null) return;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Epoch {progress.Epoch}/{epochs}: step {progress.Steps}, loss {progress.Loss:F4}, accuracy {progress.Accuracy:F4}, {progress.RowsPerSecond:F0} rows/s");
        if (!double.IsNaN(progress.ValidationLoss))
            text += string.Create(CultureInfo.InvariantCulture,
                $", validation loss {progress.ValidationLoss:F4}, validation accuracy {progress.ValidationAccuracy:F4}");
        _channel.Info(MessageSensitivity.None, text);
    }

    /// <summary>Logs a step within an epoch as a <c>Trace</c> line, about ten per epoch, e.g.
    /// <c>Epoch 1/5: step 94/938, loss 0.5123, 5120 rows/s, 00:00:12 left</c>.</summary>
    internal void Step(TrainingProgress progress, int epochs)
    {
        if (_channel is null || progress.EpochStep % Math.Max(1, progress.EpochSteps / 10) != 0) return;
        _channel.Trace(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
            $"Epoch {progress.Epoch}/{epochs}: step {progress.EpochStep}/{progress.EpochSteps}, loss {progress.Loss:F4}, " +
            $"{progress.RowsPerSecond:F0} rows/s, {progress.EpochRemaining:hh\\:mm\\:ss} left"));
    }

    /// <summary>Warns that <paramref name="skipped"/> of <paramref name="total"/> rows were left out for holding NaN.</summary>
    internal void Skipped(int skipped, int total) => _channel?.Warning(MessageSensitivity.None,
        $"Left out {skipped} of {total} training rows whose features or label hold NaN (FlaxTrainingOptions.SkipRowsWithNaN).");

    /// <summary>Closes the channel.</summary>
    public void Dispose() => _channel?.Dispose();
}
