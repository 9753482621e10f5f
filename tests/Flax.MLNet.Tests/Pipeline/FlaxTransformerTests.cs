using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>Disposal and export of a fitted transformer.</summary>
[TestClass]
public sealed class FlaxTransformerTests
{
    private static readonly MLContext Ml = new(seed: 0);
    private static readonly IDataView Data = Ml.Data.LoadFromEnumerable(InputRow.Make(6));

    private static FlaxTransformer Fit() => Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).Fit(Data);

    [TestMethod]
    public void DisposeReleasesTheSessionAndASecondDisposeIsHarmless()
    {
        var flax = Fit();
        var view = flax.Transform(Data);
        var mapper = flax.GetRowToRowMapper(Data.Schema);

        flax.Dispose();
        flax.Dispose();

        var e1 = Assert.ThrowsExactly<ObjectDisposedException>(() => flax.Transform(Data));
        var e2 = Assert.ThrowsExactly<ObjectDisposedException>(() => view.GetColumn<float[]>("Score").ToArray());
        Assert.AreEqual("Cannot access a disposed object.\nObject name: 'Flax.FlaxTransformer'.", e1.Message);
        Assert.AreEqual("Cannot access a disposed object.\nObject name: 'Flax.FlaxTransformer'.", e2.Message);
        Assert.ThrowsExactly<ObjectDisposedException>(() => flax.GetRowToRowMapper(Data.Schema));
        Assert.IsNotNull(mapper);
    }

    [TestMethod]
    public void DisposeWhileOtherThreadsScoreEndsTheirRunsCleanly()
    {
        var flax = Fit();
        var rows = InputRow.Make(1);
        using var started = new CountdownEvent(4);
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var engine = Ml.Model.CreatePredictionEngine<InputRow, OutputRow>(flax);
            started.Signal();
            try
            {
                while (true) engine.Predict(rows[0]);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        })).ToArray();
        started.Wait();
        flax.Dispose();
        Task.WaitAll(workers);

        Assert.HasCount(4, failures);
        foreach (var e in failures) Assert.IsInstanceOfType<ObjectDisposedException>(e);
    }

    [TestMethod]
    public void ExportedOnnxRunsInApplyOnnxModelWithTheColumnNames()
    {
        using var flax = Fit();
        var path = Path.Combine(Path.GetTempPath(), $"flax-test-{Guid.NewGuid():N}.onnx");
        try
        {
            flax.ExportOnnx(path);
            // The variables are initializers only, not graph inputs (ONNX Runtime warns once per parameter otherwise).
            var graph = Flax.Lowering.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
            CollectionAssert.AreEqual(new[] { "A" }, graph.Input.Select(i => i.Name).ToArray());
            CollectionAssert.IsSubsetOf(new[] { "params/Dense_0/kernel", "params/Dense_0/bias" }, graph.Initializer.Select(i => i.Name).ToArray());
            using var onnx = Ml.Transforms.ApplyOnnxModel("Score", "A", path).Fit(Data);

            var expected = flax.Transform(Data).GetColumn<float[]>("Score").ToArray();
            var actual = onnx.Transform(Data).GetColumn<float[]>("Score").ToArray();

            for (int i = 0; i < expected.Length; i++)
                for (int j = 0; j < expected[i].Length; j++) Assert.AreEqual(expected[i][j], actual[i][j], 1e-5f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void OutputMayReplaceItsInputColumnButThenOnlyOwnSaveKeepsIt()
    {
        var rows = InputRow.Make(6);
        using var flax = Ml.Transforms.ApplyFlaxModel("A", "A", Models.Mlp).Fit(Data);
        using var stream = new MemoryStream();

        var scored = flax.Transform(Data).GetColumn<float[]>("A").ToArray();
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Ml.Model.Save(flax, Data.Schema, new MemoryStream()));
        flax.Save(stream);
        stream.Position = 0;
        using var loaded = FlaxTransformer.Load(Ml, stream);

        Assert.HasCount(16, scored[0]);
        Assert.AreEqual("mlContext.Model.Save stores a Flax model as ML.NET's OnnxTransformer, which cannot write its " +
            "output to an input column ('A'). Give the output column another name, or save the model with FlaxTransformer.Save.", e.Message);
        var reloaded = loaded.Transform(Data).GetColumn<float[]>("A").ToArray();
        for (int i = 0; i < rows.Length; i++) CollectionAssert.AreEqual(scored[i], reloaded[i]);
    }

    [TestMethod]
    public void InputShapesReshapeTheColumnForTheModel()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new QuadRow { Q = [1, 2, 3, 4] }, new QuadRow { Q = [10, 20, 30, 40] } });

        using var flax = Ml.Transforms.ApplyFlaxModel("RowSums", "Q", (scope, x) => x.Sum(2),
            new FlaxModelOptions { InputShapes = [[2, 2]] }).Fit(data);
        var sums = flax.Transform(data).GetColumn<float[]>("RowSums").ToArray();

        CollectionAssert.AreEqual(new[] { 3f, 7f }, sums[0]);
        CollectionAssert.AreEqual(new[] { 30f, 70f }, sums[1]);
    }

    [TestMethod]
    public void TransformerReportsItsDevice()
    {
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp, new FlaxModelOptions { Device = Device.Cpu }).Fit(Data);

        Assert.AreEqual(Device.Cpu, flax.Device);
    }

    [TestMethod]
    public void SaveAndLoadThroughAFile()
    {
        using var flax = Fit();
        var path = Path.Combine(Path.GetTempPath(), $"flax-test-{Guid.NewGuid():N}.zip");
        try
        {
            flax.Save(path);
            using var loaded = FlaxTransformer.Load(Ml, path);

            var expected = flax.Transform(Data).GetColumn<float[]>("Score").ToArray();
            var actual = loaded.Transform(Data).GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void MatrixOutputKeepsItsDimensionsThroughModelSaveAndLoad()
    {
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "A", (scope, x) => Models.Dense(scope, x, 6).Reshape(-1, 2, 3)).Fit(Data);
        using var stream = new MemoryStream();
        Ml.Model.Save(flax, Data.Schema, stream);
        stream.Position = 0;
        var loaded = Ml.Model.Load(stream, out _);

        try
        {
            var (before, after) = (flax.Transform(Data), loaded.Transform(Data));
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 2, 3), before.Schema["Score"].Type);
            Assert.AreEqual(before.Schema["Score"].Type, after.Schema["Score"].Type);
            var expected = before.GetColumn<float[]>("Score").ToArray();
            var actual = after.GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < expected.Length; i++)
                for (int j = 0; j < 6; j++) Assert.AreEqual(expected[i][j], actual[i][j], 1e-5f);
        }
        finally
        {
            ((IDisposable)loaded).Dispose();
        }
    }

    [TestMethod]
    public void LoadFollowsTheContextsGpuAndItsFallback()
    {
        if (Device.Auto.Resolve().IsCuda) Assert.Inconclusive("Needs a machine where CUDA device 0 is unavailable.");
        using var flax = Fit();
        using var stream = new MemoryStream();
        flax.Save(stream);
        var bytes = stream.ToArray();

        using var fallback = FlaxTransformer.Load(new MLContext(seed: 0) { GpuDeviceId = 0, FallbackToCpu = true }, new MemoryStream(bytes));
        var e = Assert.ThrowsExactly<DeviceUnavailableException>(
            () => FlaxTransformer.Load(new MLContext(seed: 0) { GpuDeviceId = 0 }, new MemoryStream(bytes)));

        Assert.AreEqual(Device.Cpu, fallback.Device);
        Assert.AreEqual(Device.Cuda(0), e.Device);
    }
}
