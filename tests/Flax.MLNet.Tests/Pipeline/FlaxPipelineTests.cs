using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Flax.MLNet.Tests;

/// <summary>
/// The product path: a pipeline Concatenate → NormalizeMinMax → Flax model → an ML.NET trainer, fitted, evaluated,
/// saved both ways and served through a PredictionEngine. The reference for the model's outputs is
/// <c>Core.Apply</c> on the same (normalized) rows; floats agree to 1e-5 (ONNX Runtime's kernels differ in
/// summation order between batch sizes).
/// </summary>
[TestClass]
public sealed class FlaxPipelineTests
{
    private const float Tolerance = 1e-5f;

    private static EstimatorChain<RegressionPredictionTransformer<LinearRegressionModelParameters>> Pipeline(MLContext ml,
        FlaxModelOptions? options = null) =>
        ml.Transforms.Concatenate("Features", nameof(HouseRow.Size), nameof(HouseRow.Rooms), nameof(HouseRow.Age))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Transforms.ApplyFlaxModel("Embedding", "Features", Models.Mlp, options ?? new FlaxModelOptions { BatchSize = 16 }))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseRow.Price), featureColumnName: "Embedding"));

    private static FlaxTransformer FlaxStage(ITransformer model) =>
        ((IEnumerable<ITransformer>)model).OfType<FlaxTransformer>().Single();

    private static float[][] Column(IDataView view, string name) => view.GetColumn<float[]>(name).ToArray();

    private static void AssertClose(float[][] expected, float[][] actual, float tolerance = Tolerance)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.HasCount(expected[i].Length, actual[i]);
            for (int j = 0; j < expected[i].Length; j++)
                Assert.AreEqual(expected[i][j], actual[i][j], tolerance * Math.Max(1, Math.Abs(expected[i][j])), $"row {i}, value {j}");
        }
    }

    /// <summary>Core.Apply of the fitted variables on the rows' normalized features.</summary>
    private static float[][] CoreApply(VariableDict variables, float[][] features)
    {
        var x = NDArray.From(features.SelectMany(f => f).ToArray(), features.Length, features[0].Length);
        var y = Core.Apply(Models.Mlp)(variables, x).ToArray<float>();
        return Enumerable.Range(0, features.Length).Select(i => y.AsSpan(i * 16, 16).ToArray()).ToArray();
    }

    [TestMethod]
    public void PipelineFitsEvaluatesAndMatchesCoreApply()
    {
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(HouseRow.Make(400, seed: 1));
        var test = ml.Data.LoadFromEnumerable(HouseRow.Make(100, seed: 2));

        using var model = Pipeline(ml).Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.Regression.Evaluate(scored, labelColumnName: nameof(HouseRow.Price));

        Assert.IsGreaterThan(0.95, metrics.RSquared, $"R² {metrics.RSquared}");
        AssertClose(CoreApply(FlaxStage(model).Variables, Column(scored, "Features")), Column(scored, "Embedding"));
    }

    [TestMethod]
    public void FitInitializesWithTheSeedLikeCoreInit()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(HouseRow.Make(10, seed: 1));

        using var model = Pipeline(ml, new FlaxModelOptions { Seed = 7 }).Fit(data);

        var (_, expected) = Core.Init(Models.Mlp)(PrngKey.Create(7), NDArray.Zeros(DType.Float32, 1, 3));
        Assert.AreEqual(expected, FlaxStage(model).Variables);
    }

    [TestMethod]
    public void FitTakesPretrainedVariables()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(HouseRow.Make(20, seed: 1));
        var (_, pretrained) = Core.Init(Models.Mlp)(PrngKey.Create(123), NDArray.Zeros(DType.Float32, 1, 3));

        using var model = Pipeline(ml, new FlaxModelOptions { Variables = pretrained }).Fit(data);
        var scored = model.Transform(data);

        Assert.AreSame(pretrained, FlaxStage(model).Variables);
        AssertClose(CoreApply(pretrained, Column(scored, "Features")), Column(scored, "Embedding"));
    }

    [TestMethod]
    public void ModelSaveAndLoadReloadABatchedFlaxTransformerWithTheSameOutputs()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(HouseRow.Make(50, seed: 1));
        using var model = Pipeline(ml).Fit(data);
        using var stream = new MemoryStream();

        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = ml.Model.Load(stream, out var schema);

        try
        {
            var reloaded = Assert.IsInstanceOfType<FlaxTransformer>(((IEnumerable<ITransformer>)loaded).ElementAt(2));
            Assert.AreEqual(FlaxStage(model).Variables, reloaded.Variables);
            Assert.AreEqual(FlaxStage(model).BatchSize, reloaded.BatchSize);
            var (before, after) = (model.Transform(data), loaded.Transform(data));
            Assert.AreEqual(before.Schema["Embedding"].Type, after.Schema["Embedding"].Type);
            AssertClose(Column(before, "Embedding"), Column(after, "Embedding"));
            AssertClose(before.GetColumn<float>("Score").Select(s => new[] { s }).ToArray(),
                after.GetColumn<float>("Score").Select(s => new[] { s }).ToArray());
        }
        finally
        {
            ((IDisposable)loaded).Dispose();
        }
    }

    [TestMethod]
    public void OwnSaveAndLoadGiveBackABatchedTransformerWithIdenticalOutputs()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(HouseRow.Make(50, seed: 1));
        var features = ml.Transforms.Concatenate("Features", nameof(HouseRow.Size), nameof(HouseRow.Rooms), nameof(HouseRow.Age))
            .Fit(data).Transform(data);
        using var flax = ml.Transforms.ApplyFlaxModel("Embedding", "Features", Models.Mlp, new FlaxModelOptions { BatchSize = 8 }).Fit(features);
        using var stream = new MemoryStream();

        flax.Save(stream);
        stream.Position = 0;
        using var loaded = FlaxTransformer.Load(ml, stream);

        Assert.AreEqual(8, loaded.BatchSize);
        Assert.AreEqual(flax.Variables, loaded.Variables);
        var expected = Column(flax.Transform(features), "Embedding");
        var actual = Column(loaded.Transform(features), "Embedding");
        for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i]);
    }

    [TestMethod]
    public void PredictionEngineGivesTransformsOutputs()
    {
        var ml = new MLContext(seed: 0);
        var rows = HouseRow.Make(30, seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = Pipeline(ml).Fit(data);
        var expected = Column(model.Transform(data), "Embedding");

        using var engine = ml.Model.CreatePredictionEngine<HouseRow, ScoredHouse>(model);

        AssertClose(expected, rows.Select(r => engine.Predict(r).Embedding).ToArray());
    }

    [TestMethod]
    public void ScoringFromSeveralThreadsAgrees()
    {
        var ml = new MLContext(seed: 0);
        var rows = HouseRow.Make(200, seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = Pipeline(ml).Fit(data);
        var expected = Column(model.Transform(data), "Embedding");

        Parallel.For(0, 6, i =>
        {
            if (i % 2 == 0)
            {
                AssertClose(expected, Column(model.Transform(data), "Embedding"), 0);
                return;
            }
            // Not disposed: disposing a PredictionEngine disposes the model it was made from (ML.NET 5).
            var engine = ml.Model.CreatePredictionEngine<HouseRow, ScoredHouse>(model);
            AssertClose(expected, rows.Select(r => engine.Predict(r).Embedding).ToArray());
        });
    }

    [TestMethod]
    public void TwoInputColumnsFeedTwoModelInputs()
    {
        var ml = new MLContext(seed: 0);
        var rows = InputRow.Make(9);
        var data = ml.Data.LoadFromEnumerable(rows);

        using var flax = ml.Transforms.ApplyFlaxModel("Score", "A", "B", Models.TwoTower, new FlaxModelOptions { BatchSize = 4 }).Fit(data);
        var scores = Column(flax.Transform(data), "Score");

        var a = NDArray.From(rows.SelectMany(r => r.A).ToArray(), rows.Length, 3);
        var b = NDArray.From(rows.SelectMany(r => r.B).ToArray(), rows.Length, 2);
        var y = Core.Apply(Models.TwoTower)(flax.Variables, a, b).ToArray<float>();
        AssertClose(Enumerable.Range(0, rows.Length).Select(i => y.AsSpan(i * 4, 4).ToArray()).ToArray(), scores);
    }
}
