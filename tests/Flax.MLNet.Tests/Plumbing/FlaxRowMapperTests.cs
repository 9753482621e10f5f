using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

[TestClass]
public sealed class FlaxRowMapperTests
{
    private static readonly MLContext Ml = new(seed: 0);

    [TestMethod]
    public void ScoresEachInputRowOnceInABatchOfOne()
    {
        var rows = InputRow.Make(3);
        var data = Ml.Data.LoadFromEnumerable(rows);
        var binding = new ModelSignature([new ModelInput("A", [3])], "Score", [2]).Bind(data.Schema);
        var scorer = new AffineScorer(3);
        var mapper = new FlaxRowMapper(binding, scorer);
        using var input = data.GetRowCursor(mapper.GetDependencies([mapper.OutputSchema["Score"]]));
        using var row = mapper.GetRow(input, mapper.OutputSchema);
        var score = row.GetGetter<VBuffer<float>>(mapper.OutputSchema["Score"]);
        VBuffer<float> value = default;

        foreach (var expected in rows)
        {
            Assert.IsTrue(input.MoveNext());
            score(ref value);
            score(ref value);
            CollectionAssert.AreEqual(AffineScorer.Expected(expected.A), value.DenseValues().ToArray());
        }
        CollectionAssert.AreEqual(new[] { 1, 1, 1 }, scorer.Batches.ToArray());
    }

    [TestMethod]
    public void DependenciesAreTheModelInputsWhenTheOutputIsActive()
    {
        var data = Ml.Data.LoadFromEnumerable(InputRow.Make(1));
        var binding = new ModelSignature([new ModelInput("B", [2]), new ModelInput("A", [3])], "Score", [2]).Bind(data.Schema);
        var mapper = new FlaxRowMapper(binding, new AffineScorer(2, 3));

        var withScore = mapper.GetDependencies([mapper.OutputSchema["Label"], mapper.OutputSchema["Score"]]);
        var withoutScore = mapper.GetDependencies([mapper.OutputSchema["Name"]]);

        CollectionAssert.AreEqual(new[] { "Label", "A", "B" }, withScore.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "Name" }, withoutScore.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void RowWithoutTheOutputColumnRefusesItsGetter()
    {
        var data = Ml.Data.LoadFromEnumerable(InputRow.Make(1));
        var binding = new ModelSignature([new ModelInput("A", [3])], "Score", [2]).Bind(data.Schema);
        var mapper = new FlaxRowMapper(binding, new AffineScorer(3));
        using var input = data.GetRowCursor(data.Schema);
        using var row = mapper.GetRow(input, [mapper.OutputSchema["Label"]]);

        Assert.IsFalse(row.IsColumnActive(mapper.OutputSchema["Score"]));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => row.GetGetter<VBuffer<float>>(mapper.OutputSchema["Score"]));
        Assert.AreEqual("Column 'Score' is not active in this row; ask for it when creating the cursor.", e.Message);
    }
}
