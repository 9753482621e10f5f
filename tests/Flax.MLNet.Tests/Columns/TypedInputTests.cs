using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>
/// Input columns of key, UInt32, Int32, Int64 and Boolean vectors: each feeds the model input of its dtype, and the
/// batched and single-row scores equal <c>Core.Apply</c> on the same values converted by hand (key k → k − 1, UInt32 →
/// int64). Tolerance 1e-6: the same graph runs on both sides.
/// </summary>
[TestClass]
public sealed class TypedInputTests
{
    private const double Tolerance = 1e-6;
    private static readonly MLContext Ml = new(seed: 0);
    private static readonly TypedRow[] Rows = TypedRow.Make();
    private static readonly IDataView Data = Ml.Data.LoadFromEnumerable(Rows);

    /// <summary>Embeds integer ids of any integer dtype (an 8-row table of width 2).</summary>
    private static Tensor Embed(Scope scope, Tensor ids) => Nn.Embedding(scope.Push("Embed_0"), 8, 2).Lookup(ids);

    /// <summary>A dense layer over a Boolean vector read as 0 and 1.</summary>
    private static Tensor Gate(Scope scope, Tensor mask) => Models.Dense(scope.Push("Dense_0"), mask.Cast(DType.Float32), 2);

    [TestMethod]
    public void UInt32ColumnFeedsInt64() =>
        AssertScoresLikeApply("U", Embed, DType.Int64, NDArray.From(Rows.SelectMany(r => r.U.Select(v => (long)v)).ToArray(), Rows.Length, 3));

    [TestMethod]
    public void Int32ColumnFeedsInt32() =>
        AssertScoresLikeApply("I", Embed, DType.Int32, NDArray.From(Rows.SelectMany(r => r.I).ToArray(), Rows.Length, 3));

    [TestMethod]
    public void Int64ColumnFeedsInt64() =>
        AssertScoresLikeApply("L", Embed, DType.Int64, NDArray.From(Rows.SelectMany(r => r.L).ToArray(), Rows.Length, 3));

    [TestMethod]
    public void BooleanColumnFeedsBool() =>
        AssertScoresLikeApply("B", Gate, DType.Bool, NDArray.From(Rows.SelectMany(r => r.B).ToArray(), Rows.Length, 3));

    [TestMethod]
    public void KeyColumnFeedsKeyMinusOne()
    {
        // MapValueToKey numbers the values by first occurrence from 1; the model reads key - 1.
        var order = Rows.SelectMany(r => r.Words).Distinct().ToList();
        var ids = NDArray.From(Rows.SelectMany(r => r.Words.Select(w => (long)order.IndexOf(w))).ToArray(), Rows.Length, 3);
        var keyed = Ml.Transforms.Conversion.MapValueToKey("Keys", "Words").Fit(Data).Transform(Data);

        AssertScoresLikeApply("Keys", Embed, DType.Int64, ids, keyed);
    }

    /// <summary>A row of keys as a user's class declares them (key count 8, so keys 1 to 8).</summary>
    private sealed class KeyRow
    {
        [VectorType(3), KeyType(8)]
        public uint[] Keys { get; set; } = [];
    }

    [TestMethod]
    public void KeyColumnScoresInAPredictionEngine()
    {
        KeyRow[] rows = [new() { Keys = [1, 8, 3] }, new() { Keys = [5, 5, 2] }];
        var data = Ml.Data.LoadFromEnumerable(rows);
        var flax = Ml.Transforms.ApplyFlaxModel("Score", "Keys", Embed).Fit(data);
        var ids = NDArray.From(rows.SelectMany(r => r.Keys.Select(k => (long)k - 1)).ToArray(), rows.Length, 3);
        var expected = Core.Apply(Embed, device: Device.Cpu)(flax.Variables, ids).ToArray<float>();

        using var engine = Ml.Model.CreatePredictionEngine<KeyRow, ScoreRow>(flax);

        AssertClose(expected, rows.SelectMany(r => engine.Predict(r).Score).ToArray());
    }

    private static void AssertScoresLikeApply(string column, Func<Scope, Tensor, Tensor> model, DType dtype, NDArray values, IDataView? data = null)
    {
        data ??= Data;
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", column, model, new FlaxModelOptions { BatchSize = 2, Device = Device.Cpu }).Fit(data);
        Assert.AreEqual(dtype, values.DType);
        var expected = Core.Apply(model, device: Device.Cpu)(flax.Variables, values).ToArray<float>();

        var batched = flax.Transform(data).GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
        AssertClose(expected, batched);
        if (column == "Keys") return; // TypedRow has no key column for a PredictionEngine.
        var engine = Ml.Model.CreatePredictionEngine<TypedRow, ScoreRow>(flax);
        AssertClose(expected, Rows.SelectMany(r => engine.Predict(r).Score).ToArray());
    }

    internal static void AssertClose(float[] expected, float[] actual, double tolerance = Tolerance)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
    }

    [TestMethod]
    public void UnsupportedItemTypeThrows()
    {
        var estimator = Ml.Transforms.ApplyFlaxModel("Score", "S", Embed);

        var e1 = Assert.ThrowsExactly<ArgumentException>(() => estimator.GetOutputSchema(Schemas.ShapeOf(Data.Schema)));
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(Data));

        const string Supported = "Single, Key<UInt32> (MapValueToKey), UInt32, Int32, Int64 or Boolean. (Parameter 'inputSchema')";
        Assert.AreEqual("Input column 'S' is a vector of UInt16, but the Flax model expects a known-size vector of " + Supported, e1.Message);
        Assert.AreEqual("Input column 'S' is of type Vector<UInt16, 3>, but the Flax model expects a known-size vector of " + Supported, e2.Message);
    }

    [TestMethod]
    public void ColumnOfAnotherTypeAtScoringThrows()
    {
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "L", Embed).Fit(Data);
        var renamed = Ml.Transforms.CopyColumns("L", "I").Fit(Data).Transform(Data);

        var e = Assert.ThrowsExactly<ArgumentException>(() => flax.Transform(renamed));

        Assert.AreEqual("Input column 'L' has type Vector<Int32, 3>, but the Flax model expects Vector<Int64, 3> " +
            "(row shape (3,), fed to the model as int64). (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    public void MissingKeyThrowsNamingTheRow()
    {
        var keys = Ml.Transforms.Conversion.MapValueToKey("Keys", "Words").Fit(Ml.Data.LoadFromEnumerable(Rows.Take(1)));
        var keyed = keys.Transform(Data);
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "Keys", Embed).Fit(keyed);
        int row = Array.FindIndex(Rows, r => r.Words.Except(Rows[0].Words).Any());
        int index = Array.FindIndex(Rows[row].Words, w => !Rows[0].Words.Contains(w));

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => flax.Transform(keyed).GetColumn<float[]>("Score").ToArray());

        Assert.AreEqual($"Input column 'Keys' holds a missing key (0) at index {index} of row {row}; the Flax model reads key k " +
            "as index k − 1 and has no index for a missing value (a value MapValueToKey did not see when it was fitted). Map " +
            "unknown values to a key of their own (e.g. an \"<unk>\" entry in the key data) before the model.", e.Message);
    }

    [TestMethod]
    public void SaveAndLoadKeepTheColumnType()
    {
        var keyed = Ml.Transforms.Conversion.MapValueToKey("Keys", "Words").Fit(Data).Transform(Data);
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "Keys", Embed).Fit(keyed);
        var expected = flax.Transform(keyed).GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
        using var buffer = new MemoryStream();
        flax.Save(buffer);
        buffer.Position = 0;

        using var loaded = FlaxTransformer.Load(Ml, buffer);

        AssertClose(expected, loaded.Transform(keyed).GetColumn<float[]>("Score").SelectMany(v => v).ToArray());
        var e = Assert.ThrowsExactly<ArgumentException>(() => loaded.Transform(Ml.Transforms.CopyColumns("Keys", "U").Fit(Data).Transform(Data)));
        Assert.AreEqual("Input column 'Keys' has type Vector<UInt32, 3>, but the Flax model expects Vector<Key<UInt32>, 3> " +
            "(row shape (3,), fed to the model as int64). (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    [DataRow("L")]
    [DataRow("B")]
    public void MlNetModelSaveAndLoadKeepInt64AndBooleanColumns(string column)
    {
        var ml = new MLContext(seed: 0);
        using var flax = ml.Transforms.ApplyFlaxModel("Score", column, column == "B" ? Gate : Embed).Fit(Data);
        var expected = flax.Transform(Data).GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
        using var saved = new MemoryStream();
        ml.Model.Save(flax, Data.Schema, saved);
        saved.Position = 0;
        Assert.IsTrue(ml.ComponentCatalog.RegisterFlaxModels());

        using var loaded = Assert.IsInstanceOfType<FlaxTransformer>(ml.Model.Load(saved, out _));

        AssertClose(expected, loaded.Transform(Data).GetColumn<float[]>("Score").SelectMany(v => v).ToArray());
    }

    [TestMethod]
    public void MlNetModelSaveRefusesAKeyColumn()
    {
        var keyed = Ml.Transforms.Conversion.MapValueToKey("Keys", "Words").Fit(Data).Transform(Data);
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "Keys", Embed).Fit(keyed);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => Ml.Model.Save(flax, keyed.Schema, new MemoryStream()));

        Assert.AreEqual("mlContext.Model.Save stores a Flax model as ML.NET's OnnxTransformer, which cannot feed input column " +
            "'Keys' (Key<UInt32>, converted to int64 for the model). Save the model with FlaxTransformer.Save.", e.Message);
    }

    [TestMethod]
    public void ExportedInt64ModelScoresInApplyOnnxModel()
    {
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "L", Embed).Fit(Data);
        var path = Path.Combine(Path.GetTempPath(), $"flax-typed-{Guid.NewGuid():N}.onnx");
        try
        {
            flax.ExportOnnx(path);
            using var onnx = Ml.Transforms.ApplyOnnxModel("Score", "L", path).Fit(Data);

            var expected = flax.Transform(Data).GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
            AssertClose(expected, onnx.Transform(Data).GetColumn<float[]>("Score").SelectMany(v => v).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
