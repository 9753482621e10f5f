using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Flax.MLNet.Tests;

/// <summary>Training data hygiene: rows with NaN are left out (and counted in the log) or refused by option; a class
/// label outside the model's classes is refused naming the label and the class count.</summary>
[TestClass]
public sealed class TrainingHygieneTests
{
    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public uint Class { get; set; }
        public float Target { get; set; }
    }

    private static Tensor TwoClasses(Scope scope, Tensor x) => Models.Dense(scope.Push("Dense_0"), x, 2);

    private static List<Row> Rows(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Row { Features = [i % 2, 1 - i % 2], Class = (uint)(i % 2), Target = i % 2 })];

    private static IDataView Data(MLContext ml, List<Row> rows) => ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Class))
        .Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));

    private static FlaxEstimator Estimator(MLContext ml, bool skip = true, string label = "Label", Func<Scope, Tensor, Tensor>? model = null,
        Action<TrainingProgress>? onProgress = null) =>
        ml.Transforms.ApplyFlaxModel("Score", nameof(Row.Features), model ?? TwoClasses, new FlaxModelOptions
        {
            Device = Device.Cpu,
            Training = new FlaxTrainingOptions
            {
                LabelColumnName = label,
                Loss = label == "Label" ? Losses.SoftmaxCrossEntropyWithIntegerLabels : (y, t) => Losses.SquaredError(y.Reshape(-1), t),
                Optimizer = Optimizers.Sgd(0.5),
                Epochs = 3,
                BatchSize = 4,
                SkipRowsWithNaN = skip,
                OnProgress = onProgress,
            },
        });

    [TestMethod]
    public void RowsWithNaNFeaturesAreLeftOutAndCounted()
    {
        var ml = new MLContext(seed: 0);
        var warnings = new ConcurrentQueue<string>();
        ml.Log += (_, e) => { if (e.Source == "Flax" && e.Kind == ChannelMessageKind.Warning) warnings.Enqueue(e.RawMessage); };
        var rows = Rows(20);
        rows[3].Features = [float.NaN, 1];
        rows[11].Features = [0, float.NaN];
        var losses = new List<double>();
        using var model = Estimator(ml, onProgress: p => losses.Add(p.Loss)).Fit(Data(ml, rows));

        Assert.AreEqual("Left out 2 of 20 training rows whose features or label hold NaN (FlaxTrainingOptions.SkipRowsWithNaN).", warnings.Single());
        Assert.IsTrue(losses.All(double.IsFinite), string.Join(", ", losses));
        var scores = model.Transform(Data(ml, Rows(4))).GetColumn<float[]>("Score").ToArray();
        Assert.IsTrue(scores.SelectMany(s => s).All(float.IsFinite));
    }

    [TestMethod]
    public void RowsWithNaNAreRefusedByOption()
    {
        var ml = new MLContext(seed: 0);
        var rows = Rows(10);
        rows[7].Features = [1, float.NaN];
        var e = Assert.ThrowsExactly<ArgumentException>(() => Estimator(ml, skip: false).Fit(Data(ml, rows)));
        Assert.AreEqual("Row 7 holds NaN in input column 'Features' (value 1 of 2); fix the row, or let Fit leave such rows out " +
            "(FlaxTrainingOptions.SkipRowsWithNaN). (Parameter 'data')", e.Message);
    }

    [TestMethod]
    public void RowsWithANaNLabelAreRefusedByOptionAndLeftOutByDefault()
    {
        var ml = new MLContext(seed: 0);
        var rows = Rows(10);
        rows[4].Target = float.NaN;
        var e = Assert.ThrowsExactly<ArgumentException>(() => Estimator(ml, skip: false, label: nameof(Row.Target)).Fit(Data(ml, rows)));
        Assert.AreEqual("Row 4 holds NaN in label column 'Target'; fix the row, or let Fit leave such rows out " +
            "(FlaxTrainingOptions.SkipRowsWithNaN). (Parameter 'data')", e.Message);

        var data = TrainingData.Read(Data(ml, rows), [new ModelInput(nameof(Row.Features), [2])], nameof(Row.Target));
        Assert.AreEqual(9, data.Count);
        Assert.AreEqual(1, data.Skipped);
    }

    [TestMethod]
    public void OnlyRowsWithNaNLeaveNoRows()
    {
        var ml = new MLContext(seed: 0);
        var rows = Rows(2);
        rows.ForEach(r => r.Features = [float.NaN, 0]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Estimator(ml).Fit(Data(ml, rows)));
        Assert.AreEqual("The training data has no rows without NaN (2 left out). (Parameter 'data')", e.Message);
    }

    /// <summary>Three classes in the data for a model of two: refused before training, instead of a bare
    /// GatherElements run error.</summary>
    [TestMethod]
    public void ALabelOutOfTheModelsClassesIsRefused()
    {
        var ml = new MLContext(seed: 0);
        var rows = Rows(6);
        rows[5].Class = 2;
        var e = Assert.ThrowsExactly<ArgumentException>(() => Estimator(ml).Fit(Data(ml, rows)));
        Assert.AreEqual("Label 2 in row 5 of label column 'Label' is out of range for the model's 2 classes (its output row has " +
            "shape (2)); class labels lie in [0, 2). (Parameter 'data')", e.Message);
    }

    /// <summary>Every step reaches <see cref="FlaxTrainingOptions.OnProgress"/> in order, then the epoch; steps within
    /// an epoch reach the log as Trace lines.</summary>
    [TestMethod]
    public void ProgressWithinAnEpochReachesTheCallbackAndTheLog()
    {
        var ml = new MLContext(seed: 0);
        var traces = new ConcurrentQueue<string>();
        ml.Log += (_, e) => { if (e.Source == "Flax" && e.Kind == ChannelMessageKind.Trace && e.RawMessage.StartsWith("Epoch ")) traces.Enqueue(e.RawMessage); };
        var reports = new List<TrainingProgress>();
        using var model = Estimator(ml, onProgress: reports.Add).Fit(Data(ml, Rows(20)));

        Assert.HasCount(3 * 6, reports, "3 epochs of 5 steps, each followed by the epoch's report");
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var ofEpoch = reports.Skip((epoch - 1) * 6).Take(6).ToArray();
            CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5, 5 }, ofEpoch.Select(r => r.EpochStep).ToArray());
            CollectionAssert.AreEqual(new[] { false, false, false, false, false, true }, ofEpoch.Select(r => r.EndOfEpoch).ToArray());
            Assert.IsTrue(ofEpoch.All(r => r.Epoch == epoch && r.EpochSteps == 5));
            Assert.AreEqual((epoch - 1) * 5 + 1, ofEpoch[0].Steps);
            Assert.AreEqual(ofEpoch[0].StepLoss, ofEpoch[0].Loss, 1e-12, "after one step the running mean is the step's loss");
            Assert.AreEqual(TimeSpan.Zero, ofEpoch[4].EpochRemaining);
            Assert.IsTrue(ofEpoch[0].EpochRemaining > TimeSpan.Zero && ofEpoch[0].RowsPerSecond > 0);
            Assert.AreEqual(ofEpoch[4].Loss, ofEpoch[5].Loss, 1e-9, "the epoch's loss is the mean of its steps' losses");
        }
        Assert.HasCount(3 * 5, traces, string.Join("\n", traces));
        StringAssert.StartsWith(traces.First(), "Epoch 1/3: step 1/5, loss ");
        StringAssert.EndsWith(traces.Last(), "rows/s, 00:00:00 left");
    }
}
