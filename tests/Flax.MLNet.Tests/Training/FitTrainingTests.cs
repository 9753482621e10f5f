using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary><see cref="FlaxEstimator.Fit"/> with <see cref="FlaxModelOptions.Training"/>: the model learns from the rows.</summary>
[TestClass]
public sealed class FitTrainingTests
{
    private sealed class Point
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public uint Class { get; set; }
        [VectorType(1)] public float[] Target { get; set; } = [];
        public double Wrong { get; set; }
    }

    /// <summary>Three Gaussian blobs (centres 3 apart, spread 0.5) labelled by blob, with the regression target
    /// <c>2 x0 - x1 + 0.5</c>.</summary>
    private static List<Point> Blobs(int count, int seed)
    {
        var random = new Random(seed);
        (double, double)[] centres = [(0, 0), (3, 0), (0, 3)];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            int c = i % 3;
            float x0 = (float)(centres[c].Item1 + 0.5 * (random.NextDouble() * 2 - 1));
            float x1 = (float)(centres[c].Item2 + 0.5 * (random.NextDouble() * 2 - 1));
            return new Point { Features = [x0, x1], Class = (uint)c + 1, Target = [2 * x0 - x1 + 0.5f], Wrong = 1 };
        })];
    }

    private static Tensor Classifier(Scope scope, Tensor x) =>
        Models.Dense(scope.Push("Dense_1"), Tensor.Maximum(Models.Dense(scope.Push("Dense_0"), x, 16), 0.0), 3);

    private static Tensor Regressor(Scope scope, Tensor x) => Models.Dense(scope.Push("Dense_0"), x, 1);

    private sealed class Collector : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    private static IDataView Data(MLContext ml, int count, int seed) =>
        ml.Transforms.Conversion.MapValueToKey("Label", nameof(Point.Class)).Fit(ml.Data.LoadFromEnumerable(Blobs(count, seed)))
            .Transform(ml.Data.LoadFromEnumerable(Blobs(count, seed)));

    /// <summary>Fits <see cref="Classifier"/> on the CPU to <paramref name="rows"/> blob rows with the given training.</summary>
    private static FlaxTransformer FitClassifier(MLContext ml, int rows, FlaxTrainingOptions training) =>
        ml.Transforms.ApplyFlaxModel("Score", nameof(Point.Features), Classifier, new FlaxModelOptions { Device = Device.Cpu, Training = training })
            .Fit(Data(ml, rows, 1));

    [TestMethod]
    public void FitTrainsAClassifier()
    {
        var ml = new MLContext(seed: 0);
        var progress = new Collector();
        using var model = FitClassifier(ml, 300, new FlaxTrainingOptions
        {
            Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
            Optimizer = Optimizers.Adam(0.03),
            Epochs = 8,
            BatchSize = 32,
            Progress = progress,
        });

        var test = model.Transform(Data(ml, 150, 2));
        var scores = test.GetColumn<float[]>("Score").ToArray();
        var labels = test.GetColumn<uint>("Label").ToArray();
        double accuracy = scores.Zip(labels).Average(p => Array.IndexOf(p.First, p.First.Max()) == p.Second - 1 ? 1.0 : 0);
        Assert.IsTrue(accuracy > 0.95, $"test accuracy {accuracy}");
        Assert.HasCount(8, progress.Reports);
        CollectionAssert.AreEqual(Enumerable.Range(1, 8).ToArray(), progress.Reports.Select(r => r.Epoch).ToArray());
        Assert.AreEqual(8 * 10, progress.Reports[^1].Steps);
        Assert.IsTrue(progress.Reports[^1].Loss < progress.Reports[0].Loss / 2, string.Join(", ", progress.Reports.Select(r => r.Loss)));
        Assert.IsTrue(progress.Reports[^1].Accuracy > 0.9, $"training accuracy {progress.Reports[^1].Accuracy}");
    }

    [TestMethod]
    public void ValidationIsReportedEveryEpoch()
    {
        var ml = new MLContext(seed: 0);
        var progress = new Collector();
        using var model = FitClassifier(ml, 300, new FlaxTrainingOptions
        {
            Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
            Optimizer = Optimizers.Adam(0.03),
            Epochs = 6,
            BatchSize = 32,
            ValidationFraction = 0.2,
            Progress = progress,
        });
        Assert.HasCount(6, progress.Reports);
        Assert.AreEqual(6 * 8, progress.Reports[^1].Steps, "240 training rows in batches of 32");
        Assert.IsTrue(progress.Reports[^1].ValidationAccuracy > 0.9, $"validation accuracy {progress.Reports[^1].ValidationAccuracy}");
        Assert.IsTrue(progress.Reports[^1].ValidationLoss < progress.Reports[0].ValidationLoss, string.Join(", ", progress.Reports.Select(r => r.ValidationLoss)));
    }

    /// <summary>With a learning rate of 0 the validation loss never improves, so patience 2 stops after epoch 3.</summary>
    [TestMethod]
    public void EarlyStoppingStopsWhenTheValidationLossStalls()
    {
        var ml = new MLContext(seed: 0);
        var progress = new Collector();
        using var model = FitClassifier(ml, 40, new FlaxTrainingOptions
        {
            Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
            Optimizer = Optimizers.Sgd(0.0),
            Epochs = 10,
            ValidationFraction = 0.25,
            EarlyStoppingPatience = 2,
            Progress = progress,
        });
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, progress.Reports.Select(r => r.Epoch).ToArray());
        Assert.IsFalse(double.IsNaN(progress.Reports[0].ValidationLoss));
    }

    [TestMethod]
    public void WithoutValidationTheValidationMetricsAreNaN()
    {
        var ml = new MLContext(seed: 0);
        var progress = new Collector();
        using var model = FitClassifier(ml, 30, new FlaxTrainingOptions { Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Sgd(0.1), Progress = progress });
        Assert.IsTrue(double.IsNaN(progress.Reports.Single().ValidationLoss));
        Assert.IsTrue(double.IsNaN(progress.Reports.Single().ValidationAccuracy));
    }

    [TestMethod]
    public void TooFewRowsToValidate()
    {
        var ml = new MLContext(seed: 0);
        var estimator = ml.Transforms.ApplyFlaxModel("Score", nameof(Point.Features), Classifier, new FlaxModelOptions
        {
            Device = Device.Cpu,
            Training = new FlaxTrainingOptions { Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Sgd(0.1), ValidationFraction = 0.1 },
        });
        var e = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(Data(ml, 3, 1)));
        Assert.AreEqual("3 row(s) cannot be split into training and validation rows with fraction 0.1. (Parameter 'data')", e.Message);
    }

    [TestMethod]
    public void FitTrainsARegressionOnAVectorLabel()
    {
        var ml = new MLContext(seed: 0);
        var options = new FlaxModelOptions
        {
            Device = Device.Cpu,
            Training = new FlaxTrainingOptions
            {
                LabelColumnName = nameof(Point.Target),
                Loss = (y, t) => Losses.SquaredError(y, t),
                Optimizer = Optimizers.Adam(0.1),
                Epochs = 30,
                BatchSize = 50,
            },
        };
        using var model = ml.Transforms.ApplyFlaxModel("Score", nameof(Point.Features), Regressor, options)
            .Fit(ml.Data.LoadFromEnumerable(Blobs(300, 3)));
        var test = Blobs(30, 4);
        var scores = model.Transform(ml.Data.LoadFromEnumerable(test)).GetColumn<float[]>("Score").ToArray();
        double worst = scores.Zip(test).Max(p => Math.Abs(p.First[0] - p.Second.Target[0]));
        Assert.IsTrue(worst < 0.05, $"largest error {worst}");
    }

    private static FlaxEstimator Training(MLContext ml, string label = "Label", CancellationToken token = default) =>
        ml.Transforms.ApplyFlaxModel("Score", nameof(Point.Features), Classifier, new FlaxModelOptions
        {
            Device = Device.Cpu,
            Training = new FlaxTrainingOptions
            {
                LabelColumnName = label,
                Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
                Optimizer = Optimizers.Sgd(0.1),
                CancellationToken = token,
            },
        });

    [TestMethod]
    public void Cancelled()
    {
        var ml = new MLContext(seed: 0);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => Training(ml, token: cancelled.Token).Fit(Data(ml, 30, 1)));
    }

    [TestMethod]
    public void MissingLabelColumn()
    {
        var ml = new MLContext(seed: 0);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Training(ml, "Answer").Fit(Data(ml, 30, 1)));
        Assert.AreEqual("Could not find label column 'Answer' for training the Flax model; the input has columns: " +
            "Features, Class, Target, Wrong, Label. (Parameter 'data')", e.Message);
    }

    [TestMethod]
    public void UnsupportedLabelType()
    {
        var ml = new MLContext(seed: 0);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Training(ml, nameof(Point.Wrong)).Fit(Data(ml, 30, 1)));
        Assert.AreEqual("Label column 'Wrong' is of type Double; training needs a key, Int32, Boolean, Single or known-size " +
            "vector of Single column. (Parameter 'data')", e.Message);
    }

    /// <summary>A two-input model trains: each row's two columns are packed for the trainer and unpacked into the
    /// model's two inputs.</summary>
    [TestMethod]
    public void TwoInputModelsTrain()
    {
        var ml = new MLContext(seed: 0);
        var progress = new Collector();
        var training = new FlaxTrainingOptions
        {
            Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Adam(0.05), Epochs = 10, BatchSize = 32, Progress = progress,
        };
        using var model = ml.Transforms.ApplyFlaxModel("Score", nameof(Point.Features), nameof(Point.Target), Models.TwoTower,
            new FlaxModelOptions { Device = Device.Cpu, Training = training }).Fit(Data(ml, 300, 1));

        var test = model.Transform(Data(ml, 150, 2));
        var scores = test.GetColumn<float[]>("Score").ToArray();
        var labels = test.GetColumn<uint>("Label").ToArray();
        double accuracy = scores.Zip(labels).Average(p => Array.IndexOf(p.First, p.First.Max()) == p.Second - 1 ? 1.0 : 0);
        Assert.IsTrue(accuracy > 0.9, $"test accuracy {accuracy}");
        Assert.IsTrue(progress.Reports[^1].Loss < progress.Reports[0].Loss, string.Join(", ", progress.Reports.Select(r => r.Loss)));
        CollectionAssert.AreEqual(new[] { "params/Dense_0/bias", "params/Dense_0/kernel", "params/Dense_1/bias", "params/Dense_1/kernel" },
            model.Variables.Flatten().Keys.Order().ToArray());
    }

    [TestMethod]
    public void ATwoInputModelRefusesAOneInputTrainingModel()
    {
        var ml = new MLContext(seed: 0);
        var estimator = ml.Transforms.ApplyFlaxModel("Score", nameof(Point.Features), nameof(Point.Target), Models.TwoTower,
            new FlaxModelOptions { Training = new FlaxTrainingOptions { Loss = Losses.SquaredError, Optimizer = Optimizers.Sgd(0.1), TrainingModel = Regressor } });
        var e = Assert.ThrowsExactly<NotSupportedException>(() => estimator.Fit(Data(ml, 30, 1)));
        Assert.AreEqual("FlaxTrainingOptions.TrainingModel takes one input, but this model has 2; leave it null to train the scored model itself.", e.Message);
    }

    /// <summary>With several inputs, a NaN is named by its own column and position.</summary>
    [TestMethod]
    public void NaNInTheSecondInputNamesItsColumn()
    {
        var ml = new MLContext(seed: 0);
        var rows = Blobs(6, 1);
        rows[2].Target = [float.NaN];
        var data = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Point.Class)).Fit(ml.Data.LoadFromEnumerable(rows))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        var estimator = ml.Transforms.ApplyFlaxModel("Score", nameof(Point.Features), nameof(Point.Target), Models.TwoTower, new FlaxModelOptions
        {
            Training = new FlaxTrainingOptions { Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels, Optimizer = Optimizers.Sgd(0.1), SkipRowsWithNaN = false },
        });
        var e = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(data));
        Assert.AreEqual("Row 2 holds NaN in input column 'Target' (value 0 of 1); fix the row, or let Fit leave such rows out " +
            "(FlaxTrainingOptions.SkipRowsWithNaN). (Parameter 'data')", e.Message);
    }

    [TestMethod]
    public void EpochsAndBatchSizeArePositive()
    {
        var epochs = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FlaxTrainingOptions { Loss = Losses.SquaredError, Optimizer = Optimizers.Sgd(0.1), Epochs = 0 });
        Assert.AreEqual("Training takes at least one epoch. (Parameter 'Epochs')\nActual value was 0.", epochs.Message);
        var batch = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FlaxTrainingOptions { Loss = Losses.SquaredError, Optimizer = Optimizers.Sgd(0.1), BatchSize = 0 });
        Assert.AreEqual("A batch holds at least one row. (Parameter 'BatchSize')\nActual value was 0.", batch.Message);
        var fraction = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FlaxTrainingOptions { Loss = Losses.SquaredError, Optimizer = Optimizers.Sgd(0.1), ValidationFraction = 1 });
        Assert.AreEqual("The validation fraction lies in [0, 1). (Parameter 'ValidationFraction')\nActual value was 1.", fraction.Message);
        var patience = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FlaxTrainingOptions { Loss = Losses.SquaredError, Optimizer = Optimizers.Sgd(0.1), EarlyStoppingPatience = 0 });
        Assert.AreEqual("The patience is at least one epoch. (Parameter 'EarlyStoppingPatience')\nActual value was 0.", patience.Message);
    }

    /// <summary>A class the key mapping never saw becomes a missing key (0).</summary>
    [TestMethod]
    public void MissingKeyLabel()
    {
        var ml = new MLContext(seed: 0);
        var seen = ml.Data.LoadFromEnumerable(new[] { new Point { Features = [0, 1], Class = 1, Target = [0] }, new Point { Features = [1, 0], Class = 2, Target = [0] } });
        var rows = ml.Data.LoadFromEnumerable(new[] { new Point { Features = [0, 1], Class = 1, Target = [0] }, new Point { Features = [1, 0], Class = 7, Target = [0] } });
        var data = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Point.Class)).Fit(seen).Transform(rows);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Training(ml).Fit(data));
        Assert.AreEqual("Label column 'Label' has a missing key at row 1. (Parameter 'data')", e.Message);
    }

    /// <summary>Issue 11: a row whose vector is shorter (or longer) than its column declares is refused as scoring
    /// refuses it, naming the column and the row, instead of silently taking the previous row's values.</summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void ARowWhoseVectorBreaksItsDeclaredSizeIsRefused(int length)
    {
        var ml = new MLContext(seed: 0);
        var rows = Blobs(5, 1);
        rows[3].Features = new float[length];
        var data = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Point.Class)).Fit(ml.Data.LoadFromEnumerable(Blobs(5, 1)))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Training(ml).Fit(data));
        Assert.AreEqual($"Input column 'Features' holds a vector of {length} values in row 3, but its type and the Flax model say 2.", e.Message);
    }

    [TestMethod]
    public void NoRows()
    {
        var ml = new MLContext(seed: 0);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Training(ml).Fit(Data(ml, 0, 1)));
        Assert.AreEqual("The training data has no rows. (Parameter 'data')", e.Message);
    }
}
