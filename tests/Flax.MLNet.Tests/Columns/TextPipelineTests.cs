using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>
/// A text model in an ML.NET pipeline without a float column or a cast: <c>TokenizeIntoWords → MapValueToKey →
/// ApplyFlaxModel</c> (embedding, mean over the words, dense). The expected ids are computed here from the sentences
/// (first-occurrence numbering, as MapValueToKey does, minus one); the expected scores by hand from the fitted table,
/// kernel and bias, and by <c>Core.Apply</c> on those ids. Tolerance 1e-5 (float32 sums of four terms).
/// </summary>
[TestClass]
public sealed class TextPipelineTests
{
    private const int Words = 4;
    private const int Features = 3;
    private const int Classes = 2;

    private static readonly string[] Sentences = ["the cat sat down", "a dog ran far", "the dog sat still", "a cat ran home", "far home the cat"];

    private sealed class Sentence
    {
        public string Text { get; set; } = "";
    }

    /// <summary>The vocabulary in first-occurrence order: word w has key (index + 1).</summary>
    private static readonly string[] Vocabulary = Sentences.SelectMany(s => s.Split(' ')).Distinct().ToArray();

    private static Tensor TextModel(Scope scope, Tensor ids)
    {
        var embedded = Nn.Embedding(scope.Push("Embed_0"), Vocabulary.Length, Features).Lookup(ids);
        return Nn.Dense(scope.Push("Dense_0"), embedded.Mean(1), Classes);
    }

    [TestMethod]
    public void TokenizeMapValueToKeyAndEmbedFitAndScore()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(Sentences.Select(s => new Sentence { Text = s }));
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Ids", "Tokens"))
            .Append(ml.Transforms.ApplyFlaxModel("Score", "Ids", TextModel,
                new FlaxModelOptions { InputShapes = [[Words]], BatchSize = 2, Device = Device.Cpu }));

        using var model = pipeline.Fit(data);
        var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();

        var ids = Sentences.SelectMany(s => s.Split(' ').Select(w => (long)Array.IndexOf(Vocabulary, w))).ToArray();
        var variables = model.LastTransformer.Variables;
        var byHand = Sentences.Select((_, r) => Score(variables, ids.AsSpan(r * Words, Words))).ToArray();
        var applied = Core.Apply(TextModel, device: Device.Cpu)(variables, NDArray.From(ids, Sentences.Length, Words)).ToArray<float>();
        Assert.HasCount(Sentences.Length, scores);
        for (int r = 0; r < Sentences.Length; r++)
            TypedInputTests.AssertClose(byHand[r], scores[r], 1e-5);
        TypedInputTests.AssertClose(applied, [.. scores.SelectMany(s => s)], 1e-5);
    }

    [TestMethod]
    public void VariableSizeColumnNeedsARowShape()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(Sentences.Select(s => new Sentence { Text = s }));
        var keyed = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Append(ml.Transforms.Conversion.MapValueToKey("Ids", "Tokens"))
            .Fit(data).Transform(data);

        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ApplyFlaxModel("Score", "Ids", TextModel).Fit(keyed));

        Assert.AreEqual("Input column 'Ids' is of type Vector<Key<UInt32, 0-9>> (a variable-size vector of Key<UInt32, 0-9>), but " +
            "the Flax model needs a fixed row shape: give it in FlaxModelOptions.InputShapes (each row must then have that many " +
            "values). (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    public void ARowOfAnotherLengthThrows()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(Sentences.Append("a short one").Select(s => new Sentence { Text = s }));
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Ids", "Tokens"))
            .Append(ml.Transforms.ApplyFlaxModel("Score", "Ids", TextModel, new FlaxModelOptions { InputShapes = [[Words]] }));
        using var model = pipeline.Fit(data);

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => model.Transform(data).GetColumn<float[]>("Score").ToArray());

        Assert.AreEqual("Input column 'Ids' holds a vector of 3 values in row 5, but its type and the Flax model say 4.", e.Message);
    }

    /// <summary>dense(mean of the rows of the table at <paramref name="ids"/>), computed from the variables.</summary>
    private static float[] Score(VariableDict variables, ReadOnlySpan<long> ids)
    {
        var flat = variables.Flatten().ToDictionary(v => v.Key, v => ((NDArray)v.Value).ToArray<float>());
        var table = flat["params/Embed_0/table"];
        var kernel = flat["params/Dense_0/kernel"];
        var bias = flat["params/Dense_0/bias"];
        var mean = new double[Features];
        foreach (var id in ids)
            for (int f = 0; f < Features; f++) mean[f] += table[id * Features + f] / (double)ids.Length;
        var score = new float[Classes];
        for (int c = 0; c < Classes; c++)
        {
            double sum = bias[c];
            for (int f = 0; f < Features; f++) sum += mean[f] * kernel[f * Classes + c];
            score[c] = (float)sum;
        }
        return score;
    }
}
