using ScottPlot;

namespace FashionMnist;

/// <summary>The learning curves, drawn per step with ScottPlot: the training loss of every step and the validation loss
/// after every epoch in one chart, the training and validation accuracy in another.</summary>
internal sealed class Curves
{
    private readonly List<(double Step, double Loss, double Accuracy)> _steps = [];
    private readonly List<(double Step, double Loss, double Accuracy)> _epochs = [];

    /// <summary>Records a report: a step's loss and running accuracy, or an epoch's validation metrics.</summary>
    internal void Add(Flax.TrainingProgress progress)
    {
        if (!progress.EndOfEpoch) _steps.Add((progress.Steps, progress.StepLoss, progress.Accuracy));
        else if (!double.IsNaN(progress.ValidationLoss)) _epochs.Add((progress.Steps, progress.ValidationLoss, progress.ValidationAccuracy));
    }

    /// <summary>Writes <c>{prefix}_loss.png</c> and <c>{prefix}_accuracy.png</c>; returns their paths.</summary>
    internal (string Loss, string Accuracy) Write(string prefix)
    {
        var paths = ($"{prefix}_loss.png", $"{prefix}_accuracy.png");
        Chart("loss", paths.Item1, s => s.Loss, "training loss (each step)", "validation loss (each epoch)");
        Chart("accuracy", paths.Item2, s => s.Accuracy, "training accuracy (epoch so far)", "validation accuracy (each epoch)");
        return paths;
    }

    private void Chart(string quantity, string path, Func<(double Step, double Loss, double Accuracy), double> value, string training, string validation)
    {
        var plot = new Plot();
        var steps = plot.Add.ScatterLine(_steps.Select(s => s.Step).ToArray(), _steps.Select(value).ToArray());
        steps.LegendText = training;
        if (_epochs.Count > 0)
        {
            var epochs = plot.Add.Scatter(_epochs.Select(s => s.Step).ToArray(), _epochs.Select(value).ToArray());
            epochs.LegendText = validation;
            epochs.MarkerSize = 8;
        }
        plot.Title($"Fashion-MNIST, Flax CNN: {quantity}");
        plot.XLabel("step");
        plot.YLabel(quantity);
        plot.ShowLegend();
        plot.SavePng(path, 900, 500);
    }
}
