using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>
/// <see cref="FlaxEstimator.Fit"/> trains on typed input columns: token-id keys from <c>TokenizeIntoWords →
/// MapValueToKey</c> reach the training step as int64 (no float column, no cast), and inputs of mixed dtypes train as
/// the same model fed float32 columns does.
/// </summary>
[TestClass]
public sealed class FitTypedInputTests
{
    private const int Words = 4;
    private static readonly string[] Topics = ["sport", "food", "tech"];

    /// <summary>Six words per topic, then six shared by all.</summary>
    private static readonly string[][] TopicWords =
    [
        ["goal", "match", "team", "coach", "score", "league"],
        ["bread", "soup", "salad", "cheese", "spice", "bake"],
        ["code", "chip", "robot", "cloud", "server", "pixel"],
    ];

    private static readonly string[] Shared = ["the", "a", "new", "big", "today", "again"];

    private const int Vocabulary = 24;

    private sealed class Document
    {
        public string Text { get; set; } = "";
        public string Topic { get; set; } = "";
    }

    /// <summary><paramref name="count"/> four-word sentences: two words of the sentence's topic and two shared words, in a
    /// seeded random order; the topic cycles through the three.</summary>
    private static Document[] Corpus(int count, int seed)
    {
        var random = new System.Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            int topic = i % Topics.Length;
            string[] words = [TopicWords[topic][random.Next(6)], TopicWords[topic][random.Next(6)], Shared[random.Next(6)], Shared[random.Next(6)]];
            random.Shuffle(words);
            return new Document { Text = string.Join(' ', words), Topic = Topics[topic] };
        })];
    }

    /// <summary>Embedding (24 words, width 8), mean over the words, dense to the three topics.</summary>
    private static Tensor TextModel(Scope scope, Tensor ids)
    {
        var embedded = Nn.Embedding(scope.Push("Embed_0"), Vocabulary, 8).Lookup(ids);
        return Nn.Dense(scope.Push("Dense_0"), embedded.Mean(1), Topics.Length);
    }

    [TestMethod]
    public void FitTrainsATextModelOnTokenIdKeys()
    {
        var ml = new MLContext(seed: 0);
        var train = Corpus(150, 1);
        var test = Corpus(60, 2);
        var epochs = new List<TrainingProgress>();
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Document.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Ids", "Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Document.Topic)))
            .Append(ml.Transforms.ApplyFlaxModel("Score", "Ids", TextModel, new FlaxModelOptions
            {
                InputShapes = [[Words]],
                Device = Device.Cpu,
                Training = new FlaxTrainingOptions
                {
                    Loss = Losses.SoftmaxCrossEntropyWithIntegerLabels,
                    Optimizer = Optimizers.Adam(0.05),
                    Epochs = 10,
                    BatchSize = 16,
                    OnProgress = p => { if (p.EndOfEpoch) epochs.Add(p); },
                },
            }));

        using var model = pipeline.Fit(ml.Data.LoadFromEnumerable(train));
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var labels = scored.GetColumn<uint>("Label").ToArray();

        // Chance is 1/3; the topic words decide the topic.
        double accuracy = scores.Zip(labels).Average(p => Array.IndexOf(p.First, p.First.Max()) == p.Second - 1 ? 1.0 : 0);
        Assert.IsTrue(accuracy >= 0.9, $"test accuracy {accuracy}");
        Assert.HasCount(10, epochs);
        Assert.IsTrue(epochs[^1].Loss < epochs[0].Loss / 4, string.Join(", ", epochs.Select(e => e.Loss)));

        // The ids by hand: MapValueToKey numbers the training tokens by first occurrence from 1; the model reads key - 1.
        var vocabulary = train.SelectMany(d => d.Text.Split(' ')).Distinct().ToList();
        Assert.HasCount(Vocabulary, vocabulary);
        var ids = NDArray.From(test.SelectMany(d => d.Text.Split(' ').Select(w => (long)vocabulary.IndexOf(w))).ToArray(), test.Length, Words);
        var applied = Core.Apply(TextModel, device: Device.Cpu)(model.LastTransformer.Variables, ids).ToArray<float>();
        TypedInputTests.AssertClose(applied, [.. scores.SelectMany(s => s)], 1e-5);
    }

    private sealed class MixedRow
    {
        [VectorType(3)] public long[] Ids { get; set; } = [];
        [VectorType(3)] public float[] IdsAsSingle { get; set; } = [];
        [VectorType(2)] public float[] Features { get; set; } = [];
        public float Target { get; set; }
    }

    private static MixedRow[] MixedRows(long? big = null) => [.. Enumerable.Range(0, 24).Select(r => new MixedRow
    {
        Ids = [r % 5, (r * 3) % 5, r == 7 && big is { } value ? value : (r * 2) % 5],
        IdsAsSingle = [r % 5, (r * 3) % 5, (r * 2) % 5],
        Features = [r / 10f, 1 - r / 20f],
        Target = r % 3 - 1,
    })];

    /// <summary>Embeds int64 ids and adds a dense layer over float features: one regression output.</summary>
    private static Tensor Mixed(Scope scope, Tensor ids, Tensor features)
    {
        var embedded = Nn.Embedding(scope.Push("Embed_0"), 5, 2).Lookup(ids).Mean(1);
        return Nn.Dense(scope.Push("Dense_0"), Tensor.Concat([embedded, features], axis: 1), 1);
    }

    /// <summary>The same model reading its ids from a float32 column, cast to int64 in the model: Fit's float32 path.</summary>
    private static Tensor MixedFromSingle(Scope scope, Tensor ids, Tensor features) => Mixed(scope, ids.Cast(DType.Int64), features);

    private static FlaxModelOptions Sgd(int epochs) => new()
    {
        Device = Device.Cpu,
        Training = new FlaxTrainingOptions
        {
            LabelColumnName = nameof(MixedRow.Target), Loss = (y, t) => Losses.SquaredError(y.Reshape(-1), t),
            Optimizer = Optimizers.Sgd(0.1), Epochs = epochs, BatchSize = 8,
        },
    };

    /// <summary>Int64 ids beside float32 features are packed as float64 and cast back in the step; the trained variables
    /// equal those of the same model fed the ids as a float32 column (the all-float32 path) to 1e-6.</summary>
    [TestMethod]
    public void MixedDtypeInputsTrainLikeTheFloatPath()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(MixedRows());

        using var typed = ml.Transforms.ApplyFlaxModel("Score", nameof(MixedRow.Ids), nameof(MixedRow.Features), Mixed, Sgd(3)).Fit(data);
        using var floats = ml.Transforms.ApplyFlaxModel("Score", nameof(MixedRow.IdsAsSingle), nameof(MixedRow.Features), MixedFromSingle, Sgd(3)).Fit(data);

        var expected = floats.Variables.Flatten();
        var initial = Core.Init(Mixed, device: Device.Cpu)(new Rngs(PrngKey.Create(0)), NDArray.Zeros(DType.Int64, 1, 3), NDArray.Zeros(DType.Float32, 1, 2))
            .Variables.Flatten();
        foreach (var (path, value) in typed.Variables.Flatten())
        {
            var actual = ((NDArray)value).ToArray<float>();
            TypedInputTests.AssertClose(((NDArray)expected[path]).ToArray<float>(), actual);
            Assert.IsFalse(actual.SequenceEqual(((NDArray)initial[path]).ToArray<float>()), $"{path} did not train");
        }
    }

    [TestMethod]
    public void AnInt64BeyondFloat64PackedWithFloatsIsRefused()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(MixedRows(big: (1L << 53) + 1));
        var estimator = ml.Transforms.ApplyFlaxModel("Score", nameof(MixedRow.Ids), nameof(MixedRow.Features), Mixed, Sgd(1));

        var e = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(data));

        Assert.AreEqual("Row 7 of input column 'Ids' holds 9007199254740993, beyond ±2^53: training packs inputs of mixed dtypes " +
            "as float64, which cannot hold it exactly. (Parameter 'data')", e.Message);
    }
}
