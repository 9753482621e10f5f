using Microsoft.ML;

namespace FashionMnist;

/// <summary>ML.NET's own multiclass logistic regression (L-BFGS maximum entropy) on the raw pixels.</summary>
internal static class Baseline
{
    /// <summary>Trains on <paramref name="train"/> and returns the accuracy on <paramref name="test"/>.</summary>
    internal static double Accuracy(FashionData train, FashionData test)
    {
        var ml = new MLContext(seed: 0);
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(FashionData.Row.Label))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(nameof(FashionData.Row.Label), nameof(FashionData.Row.Pixels)));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(train.Rows()));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test.Rows())), nameof(FashionData.Row.Label));
        return metrics.MicroAccuracy;
    }
}
