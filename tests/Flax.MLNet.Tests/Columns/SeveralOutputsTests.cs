using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Flax.MLNet.Tests;

/// <summary>
/// A model of several outputs (logits and the hidden embedding they come from) scored into several output columns:
/// batched and single-row scores, <c>FlaxTransformer.Save/Load</c>, <c>mlContext.Model.Save/Load</c> (both loaders),
/// <c>ExportOnnx</c> in ML.NET's <c>ApplyOnnxModel</c>, and <c>Fit</c> training on one chosen output. References:
/// <c>Core.ApplyOutputs</c> on the same rows, and the embedding computed by hand in float64 (tolerance 1e-5).
/// </summary>
[TestClass]
public sealed class SeveralOutputsTests
{
    private const double Tolerance = 1e-5;
    private static readonly string[] Columns = ["Logits", "Embedding"];

    private sealed class Point
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public uint Class { get; set; }
    }

    private sealed class Scored
    {
        public float[] Logits { get; set; } = [];
        public float[] Embedding { get; set; } = [];
    }

    /// <summary>Three blobs in the first two features (centres 3 apart), noise in the other two; classes as keys 1-3.</summary>
    private static Point[] Blobs(int count, int seed)
    {
        var random = new System.Random(seed);
        (float, float)[] centres = [(0, 0), (3, 0), (0, 3)];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            int c = i % 3;
            float Noise() => (float)(random.NextDouble() - 0.5);
            return new Point { Features = [centres[c].Item1 + Noise(), centres[c].Item2 + Noise(), Noise(), Noise()], Class = (uint)c + 1 };
        })];
    }

    private static IDataView Data(MLContext ml, int count = 12, int seed = 1) =>
        ml.Transforms.Conversion.MapValueToKey("Label", nameof(Point.Class)).Fit(ml.Data.LoadFromEnumerable(Blobs(count, seed)))
            .Transform(ml.Data.LoadFromEnumerable(Blobs(count, seed)));

    /// <summary>[logits (3), embedding (8)]: a dense ReLU layer and a dense head over it.</summary>
    private static Tensor[] Heads(Scope scope, Tensor x)
    {
        var embedding = Nn.Relu(Nn.Dense(scope.Push("Dense_0"), x, 8));
        return [Nn.Dense(scope.Push("Dense_1"), embedding, 3), embedding];
    }

    /// <summary>The same model with its outputs the other way round.</summary>
    private static Tensor[] HeadsReversed(Scope scope, Tensor x) => [.. Heads(scope, x).Reverse()];

    /// <summary>The logits alone: the one-output model of the same parameters.</summary>
    private static Tensor Logits(Scope scope, Tensor x) => Heads(scope, x)[0];

    private static NDArray FeaturesOf(IDataView data)
    {
        var rows = data.GetColumn<float[]>(nameof(Point.Features)).ToArray();
        return NDArray.From(rows.SelectMany(r => r).ToArray(), rows.Length, 4);
    }

    /// <summary>relu(x · kernel + bias) of Dense_0, in float64.</summary>
    private static float[] EmbeddingByHand(VariableDict variables, NDArray x)
    {
        var flat = variables.Flatten();
        var kernel = ((NDArray)flat["params/Dense_0/kernel"]).ToArray<float>();
        var bias = ((NDArray)flat["params/Dense_0/bias"]).ToArray<float>();
        var xs = x.ToArray<float>();
        var result = new float[x.Shape[0] * 8];
        for (int r = 0; r < x.Shape[0]; r++)
            for (int j = 0; j < 8; j++)
            {
                double sum = bias[j];
                for (int t = 0; t < 4; t++) sum += xs[r * 4 + t] * (double)kernel[t * 8 + j];
                result[r * 8 + j] = (float)Math.Max(sum, 0);
            }
        return result;
    }

    private static void AssertScores(ITransformer model, IDataView data, NDArray[] expected)
    {
        var scored = model.Transform(data);
        for (int i = 0; i < Columns.Length; i++)
            TypedInputTests.AssertClose(expected[i].ToArray<float>(), [.. scored.GetColumn<float[]>(Columns[i]).SelectMany(v => v)], Tolerance);
    }

    [TestMethod]
    public void EachOutputFillsItsColumnInBatchesAndInAPredictionEngine()
    {
        var ml = new MLContext(seed: 0);
        var data = Data(ml);
        var estimator = ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads, new FlaxModelOptions { BatchSize = 5, Device = Device.Cpu });
        var shape = estimator.GetOutputSchema(Schemas.ShapeOf(data.Schema));
        CollectionAssert.AreEqual(new[] { "Logits", "Embedding" }, shape.Select(c => c.Name).TakeLast(2).ToArray());

        using var flax = estimator.Fit(data);
        var x = FeaturesOf(data);
        var expected = Core.ApplyOutputs(Heads, device: Device.Cpu)(flax.Variables, x);

        TypedInputTests.AssertClose(EmbeddingByHand(flax.Variables, x), expected[1].ToArray<float>(), Tolerance);
        AssertScores(flax, data, expected);
        var schema = flax.GetOutputSchema(data.Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 3), schema["Logits"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 8), schema["Embedding"].Type);
        var engine = ml.Model.CreatePredictionEngine<Point, Scored>(flax);
        var rows = Blobs(12, 1);
        TypedInputTests.AssertClose(expected[0].ToArray<float>(), [.. rows.SelectMany(r => engine.Predict(r).Logits)], Tolerance);
        TypedInputTests.AssertClose(expected[1].ToArray<float>(), [.. rows.SelectMany(r => engine.Predict(r).Embedding)], Tolerance);
        // A cursor over one output column still scores (and serves) that column alone.
        TypedInputTests.AssertClose(expected[1].ToArray<float>(), [.. flax.Transform(data).GetColumn<float[]>("Embedding").SelectMany(v => v)], Tolerance);
    }

    [TestMethod]
    public void SaveAndLoadKeepEveryOutputColumn()
    {
        var ml = new MLContext(seed: 0);
        var data = Data(ml);
        using var flax = ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads).Fit(data);
        var expected = Core.ApplyOutputs(Heads, device: Device.Cpu)(flax.Variables, FeaturesOf(data));
        using var package = new MemoryStream();
        flax.Save(package);
        package.Position = 0;

        using var loaded = FlaxTransformer.Load(ml, package);
        AssertScores(loaded, data, expected);

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(package.ToArray()));
        using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(reader.ReadToEnd())!.AsObject();
        Assert.IsFalse(manifest.ContainsKey("output"));
        var outputs = manifest["outputs"]!.AsArray();
        CollectionAssert.AreEqual(Columns, outputs.Select(o => (string)o!["column"]!).ToArray());
        CollectionAssert.AreEqual(new[] { "[3]", "[8]" }, outputs.Select(o => o!["shape"]!.ToJsonString()).ToArray());
    }

    [TestMethod]
    public void APackageWhoseManifestListsFewerOutputsThanItsGraphIsRefused()
    {
        var ml = new MLContext(seed: 0);
        using var flax = ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads).Fit(Data(ml));
        using var package = new MemoryStream();
        flax.Save(package);
        var tampered = Packages.WithManifest(m =>
        {
            m["output"] = m["outputs"]![0]!.DeepClone();
            m.Remove("outputs");
        }, package.ToArray());

        var e = Assert.ThrowsExactly<FlaxPackageException>(() => FlaxTransformer.Load(ml, new MemoryStream(tampered)));

        Assert.AreEqual("This is not a readable Flax model package: model.onnx: the graph has 2 output(s) (Logits, Embedding), " +
            "manifest.json lists 1 (Logits).", e.Message);
    }

    [TestMethod]
    public void MlNetModelSaveAndLoadKeepEveryOutputColumn()
    {
        var ml = new MLContext(seed: 0);
        var data = Data(ml);
        using var flax = ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads).Fit(data);
        var expected = Core.ApplyOutputs(Heads, device: Device.Cpu)(flax.Variables, FeaturesOf(data));
        using var saved = new MemoryStream();
        ml.Model.Save(flax, data.Schema, saved);

        var unregistered = new MLContext(seed: 0);
        saved.Position = 0;
        using var onnx = Assert.IsInstanceOfType<OnnxTransformer>(unregistered.Model.Load(saved, out _));
        AssertScores(onnx, data, expected);

        saved.Position = 0;
        using var loaded = Assert.IsInstanceOfType<FlaxTransformer>(ml.Model.Load(saved, out _));
        AssertScores(loaded, data, expected);
    }

    /// <summary>An output column may replace its input column (the graph output is then <c>Features:updated</c>):
    /// scoring and <c>FlaxTransformer.Save/Load</c> work; <c>mlContext.Model.Save</c> refuses, naming the column.</summary>
    [TestMethod]
    public void AnOutputColumnMayReplaceTheInputColumn()
    {
        var ml = new MLContext(seed: 0);
        var data = Data(ml);
        using var flax = ml.Transforms.ApplyFlaxModel(["Embedding", "Features"], nameof(Point.Features), HeadsReversed).Fit(data);
        var expected = Core.ApplyOutputs(HeadsReversed, device: Device.Cpu)(flax.Variables, FeaturesOf(data));
        using var package = new MemoryStream();
        flax.Save(package);
        package.Position = 0;
        using var loaded = FlaxTransformer.Load(ml, package);

        foreach (var model in new[] { flax, loaded })
        {
            var scored = model.Transform(data);
            TypedInputTests.AssertClose(expected[0].ToArray<float>(), [.. scored.GetColumn<float[]>("Embedding").SelectMany(v => v)], Tolerance);
            TypedInputTests.AssertClose(expected[1].ToArray<float>(), [.. scored.GetColumn<float[]>("Features").SelectMany(v => v)], Tolerance);
        }
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(flax, data.Schema, new MemoryStream()));
        Assert.AreEqual("mlContext.Model.Save stores a Flax model as ML.NET's OnnxTransformer, which cannot write its output to " +
            "an input column ('Features'). Give the output column another name, or save the model with FlaxTransformer.Save.", e.Message);
    }

    [TestMethod]
    public void ExportOnnxScoresEveryOutputInApplyOnnxModel()
    {
        var ml = new MLContext(seed: 0);
        var data = Data(ml);
        using var flax = ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads).Fit(data);
        var expected = Core.ApplyOutputs(Heads, device: Device.Cpu)(flax.Variables, FeaturesOf(data));
        var path = Path.Combine(Path.GetTempPath(), $"flax-outputs-{Guid.NewGuid():N}.onnx");
        try
        {
            flax.ExportOnnx(path);
            using var onnx = ml.Transforms.ApplyOnnxModel(Columns, [nameof(Point.Features)], path).Fit(data);
            AssertScores(onnx, data, expected);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static FlaxTrainingOptions Training(string? prediction = null) => new()
    {
        Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
        Optimizer = Optimizers.Adam(0.03),
        Epochs = 6,
        BatchSize = 16,
        PredictionColumnName = prediction,
    };

    /// <summary>Training minimizes the loss of the first output by default, or of the output the options name: the
    /// trained variables equal those of the one-output logits model trained alike (1e-6), and the logits classify.</summary>
    [TestMethod]
    public void FitTrainsOnTheFirstOutputOrTheNamedOne()
    {
        var ml = new MLContext(seed: 0);
        var data = Data(ml, 150);
        using var alone = ml.Transforms.ApplyFlaxModel("Logits", nameof(Point.Features), Logits,
            new FlaxModelOptions { Device = Device.Cpu, Training = Training() }).Fit(data);
        using var first = ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads,
            new FlaxModelOptions { Device = Device.Cpu, Training = Training() }).Fit(data);
        using var named = ml.Transforms.ApplyFlaxModel(["Embedding", "Logits"], nameof(Point.Features), HeadsReversed,
            new FlaxModelOptions { Device = Device.Cpu, Training = Training("Logits") }).Fit(data);

        foreach (var trained in new[] { first, named })
            foreach (var (path, value) in alone.Variables.Flatten())
                TypedInputTests.AssertClose(((NDArray)value).ToArray<float>(), ((NDArray)trained.Variables.Flatten()[path]).ToArray<float>(), 1e-6);
        var test = Data(ml, 60, seed: 2);
        var scored = named.Transform(test);
        var logits = scored.GetColumn<float[]>("Logits").ToArray();
        var labels = scored.GetColumn<uint>("Label").ToArray();
        double accuracy = logits.Zip(labels).Average(p => Array.IndexOf(p.First, p.First.Max()) == p.Second - 1 ? 1.0 : 0);
        Assert.IsTrue(accuracy > 0.9, $"test accuracy {accuracy} (chance 1/3)");
    }

    [TestMethod]
    public void AnotherNumberOfOutputColumnsThanOutputsThrows()
    {
        var ml = new MLContext(seed: 0);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ApplyFlaxModel(["A", "B", "C"], nameof(Point.Features), Heads).Fit(Data(ml)));
        Assert.AreEqual("The Flax model returns 2 output(s), but 3 output column name(s) were given (A, B, C); give one column per " +
            "output, in the model's order. (Parameter 'model')", e.Message);
    }

    [TestMethod]
    public void AnOutputThatIsNotOneFloatRowPerInputRowThrowsNamingIt()
    {
        var ml = new MLContext(seed: 0);
        static Tensor[] Model(Scope scope, Tensor x) => [Nn.Dense(scope, x, 2), x.Sum(1).Cast(DType.Int32)];
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ApplyFlaxModel(["A", "B"], nameof(Point.Features), Model).Fit(Data(ml)));
        Assert.AreEqual("The Flax model returns int32(None,) as output 1 (column 'B') for inputs (None, 4); ML.NET scoring needs " +
            "float32 with one output row per input row, shape (None, ...). (Parameter 'model')", e.Message);
    }

    [TestMethod]
    public void APredictionColumnThatIsNoOutputThrows()
    {
        var ml = new MLContext(seed: 0);
        var estimator = ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads,
            new FlaxModelOptions { Device = Device.Cpu, Training = Training("Score") });
        var e = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(Data(ml)));
        Assert.AreEqual("FlaxTrainingOptions.PredictionColumnName 'Score' is not one of the output columns (Logits, Embedding). " +
            "(Parameter 'options')", e.Message);
    }

    [TestMethod]
    public void BadOutputColumnNamesThrow()
    {
        var ml = new MLContext(seed: 0);
        (string[] Names, string Message)[] cases =
        [
            ([], "Name at least one output column, one per model output. (Parameter 'outputColumnNames')"),
            (["A", ""], "An output column name is null or empty. (Parameter 'outputColumnNames')"),
            (["A", null!], "An output column name is null or empty. (Parameter 'outputColumnNames')"),
            (["A", "B", "A"], "Output column 'A' is named twice; each model output needs a column of its own. (Parameter 'outputColumnNames')"),
        ];
        foreach (var (names, message) in cases)
        {
            Assert.AreEqual(message, Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ApplyFlaxModel(names, "F", Heads)).Message);
            Assert.AreEqual(message, Assert.ThrowsExactly<ArgumentException>(() =>
                ml.Transforms.ApplyFlaxModel(names, "F", "G", (Scope s, Tensor a, Tensor b) => Heads(s, a + b))).Message);
        }
        Assert.AreEqual("Value cannot be null. (Parameter 'outputColumnNames')",
            Assert.ThrowsExactly<ArgumentNullException>(() => ml.Transforms.ApplyFlaxModel((string[])null!, "F", Heads)).Message);
    }

    /// <summary>Every call form of the several-output catalog methods resolves (the build is the assertion) and means
    /// the same model.</summary>
    [TestMethod]
    public void EveryCallFormResolves()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Transforms.CopyColumns("Copy", nameof(Point.Features)).Fit(Data(ml)).Transform(Data(ml));
        Func<Scope, Tensor, Tensor[]> variable = Heads;
        FlaxEstimator[] estimators =
        [
            ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), Heads),
            ml.Transforms.ApplyFlaxModel(["Logits", "Embedding"], nameof(Point.Features), (Scope s, Tensor x) => Heads(s, x)),
            ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), (s, x) => Heads(s, x)),
            ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), (s, x) => [.. Heads(s, x)]),
            ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), variable, options: new FlaxModelOptions { Device = Device.Cpu }),
            ml.Transforms.ApplyFlaxModel(Columns, nameof(Point.Features), "Copy", (s, a, b) => Heads(s, (a + b) * 0.5)),
        ];
        var expected = Core.ApplyOutputs(Heads, device: Device.Cpu);
        foreach (var estimator in estimators)
        {
            using var flax = estimator.Fit(data);
            AssertScores(flax, data, expected(flax.Variables, FeaturesOf(data)));
        }
    }
}
