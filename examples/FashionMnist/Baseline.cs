using Microsoft.ML;
using Microsoft.ML.Data;

namespace FashionMnist;

/// <summary>ML.NET's own multiclass logistic regression (L-BFGS maximum entropy) on the raw pixels.</summary>
internal static class Baseline
{
    private sealed class Row
    {
        [VectorType(FashionData.Pixels784)]
        public float[] Pixels { get; set; } = [];

        public uint Label { get; set; }
    }

    /// <summary>Trains on <paramref name="train"/> and returns the accuracy on <paramref name="test"/>.</summary>
    internal static double Accuracy(FashionData train, FashionData test)
    {
        var ml = new MLContext(seed: 0);
        IEnumerable<Row> Rows(FashionData data) => Enumerable.Range(0, data.Count).Select(i => new Row
        {
            Pixels = data.Pixels.AsSpan(i * FashionData.Pixels784, FashionData.Pixels784).ToArray(),
            Label = (uint)data.Labels[i],
        });
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(Row.Label))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(nameof(Row.Label), nameof(Row.Pixels)));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Rows(train)));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Rows(test))), nameof(Row.Label));
        return metrics.MicroAccuracy;
    }
}
