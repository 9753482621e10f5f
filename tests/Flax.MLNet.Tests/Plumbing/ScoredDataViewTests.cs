using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

[TestClass]
public sealed class ScoredDataViewTests
{
    private static readonly MLContext Ml = new(seed: 0);

    private static (IDataView View, AffineScorer Scorer) Score(InputRow[] rows, int batchSize, params (string Column, int Size)[] inputs)
    {
        var data = Ml.Data.LoadFromEnumerable(rows);
        var signature = new ModelSignature(inputs.Select(i => new ModelInput(i.Column, [i.Size])).ToArray(), "Score", [AffineScorer.OutputSize]);
        var scorer = new AffineScorer(inputs.Select(i => i.Size).ToArray());
        return (new ScoredDataView(data, signature.Bind(data.Schema), scorer, batchSize), scorer);
    }

    [TestMethod]
    public void ScoresInBatchesAndKeepsThePassThroughColumns()
    {
        var rows = InputRow.Make(10);
        var (view, scorer) = Score(rows, batchSize: 4, ("A", 3));

        var outputs = Ml.Data.CreateEnumerable<OutputRow>(view, reuseRowObject: false).ToArray();

        CollectionAssert.AreEqual(new[] { 4, 4, 2 }, scorer.Batches.ToArray());
        Assert.HasCount(rows.Length, outputs);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual(rows[i].Label, outputs[i].Label);
            Assert.AreEqual(rows[i].Name, outputs[i].Name);
            CollectionAssert.AreEqual(rows[i].A, outputs[i].A);
            CollectionAssert.AreEqual(AffineScorer.Expected(rows[i].A), outputs[i].Score);
        }
    }

    [TestMethod]
    public void SeveralInputColumnsFeedSeveralModelInputs()
    {
        var rows = InputRow.Make(7);
        var (view, _) = Score(rows, batchSize: 3, ("A", 3), ("B", 2));

        var scores = view.GetColumn<float[]>("Score").ToArray();

        for (int i = 0; i < rows.Length; i++)
            CollectionAssert.AreEqual(AffineScorer.Expected(rows[i].A, rows[i].B), scores[i]);
    }

    [TestMethod]
    public void OutputColumnIsAVectorOfSingleWithALeadingOne()
    {
        var (view, _) = Score(InputRow.Make(1), batchSize: 4, ("A", 3));

        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 2), view.Schema["Score"].Type);
        Assert.AreEqual(view.Schema.Count - 1, view.Schema["Score"].Index);
    }

    [TestMethod]
    public void OutputColumnMayReplaceItsInputColumn()
    {
        var rows = InputRow.Make(5);
        var data = Ml.Data.LoadFromEnumerable(rows);
        var signature = new ModelSignature([new ModelInput("A", [3])], "A", [AffineScorer.OutputSize]);
        var view = new ScoredDataView(data, signature.Bind(data.Schema), new AffineScorer(3), batchSize: 2);

        var scores = view.GetColumn<float[]>("A").ToArray();

        Assert.AreEqual(signature.Outputs[0].Type, view.Schema["A"].Type);
        for (int i = 0; i < rows.Length; i++) CollectionAssert.AreEqual(AffineScorer.Expected(rows[i].A), scores[i]);
    }

    [TestMethod]
    public void CursorWithoutTheOutputColumnRunsNoModel()
    {
        var rows = InputRow.Make(5);
        var (view, scorer) = Score(rows, batchSize: 2, ("A", 3));

        var labels = view.GetColumn<float>("Label").ToArray();

        CollectionAssert.AreEqual(rows.Select(r => r.Label).ToArray(), labels);
        Assert.IsEmpty(scorer.Batches);
    }

    [TestMethod]
    public void NothingRunsBeforeTheFirstMoveNext()
    {
        var (view, scorer) = Score(InputRow.Make(5), batchSize: 2, ("A", 3));

        using var cursor = view.GetRowCursor(view.Schema);

        Assert.IsEmpty(scorer.Batches);
        Assert.AreEqual(-1, cursor.Position);
    }

    [TestMethod]
    public void PositionsAndIdsFollowTheInput()
    {
        var rows = InputRow.Make(5);
        var data = Ml.Data.LoadFromEnumerable(rows);
        var (view, _) = Score(rows, batchSize: 2, ("A", 3));
        using var expected = data.GetRowCursor(data.Schema);
        using var cursor = view.GetRowCursor(view.Schema);
        var expectedId = expected.GetIdGetter();
        var id = cursor.GetIdGetter();
        DataViewRowId want = default, got = default;

        while (expected.MoveNext())
        {
            Assert.IsTrue(cursor.MoveNext());
            expectedId(ref want);
            id(ref got);
            Assert.AreEqual(expected.Position, cursor.Position);
            Assert.AreEqual(want, got);
        }
        Assert.IsFalse(cursor.MoveNext());
        Assert.IsFalse(cursor.MoveNext());
    }

    [TestMethod]
    public void SparseInputVectorsAreDensified()
    {
        var rows = InputRow.Make(6);
        var data = Ml.Transforms.Conversion.MapValueToKey("Key", "Name")
            .Append(Ml.Transforms.Conversion.MapKeyToVector("OneHot", "Key"))
            .Fit(Ml.Data.LoadFromEnumerable(rows)).Transform(Ml.Data.LoadFromEnumerable(rows));
        var signature = new ModelSignature([new ModelInput("OneHot", [6])], "Score", [AffineScorer.OutputSize]);
        var view = new ScoredDataView(data, signature.Bind(data.Schema), new AffineScorer(6), batchSize: 4);

        var scores = view.GetColumn<float[]>("Score").ToArray();

        for (int i = 0; i < rows.Length; i++)
            CollectionAssert.AreEqual(new[] { 1f, i == 0 ? 2f : 0f }, scores[i], $"row {i}");
    }

    [TestMethod]
    public void CursorsOnSeveralThreadsScoreIndependently()
    {
        var rows = InputRow.Make(301);
        var (view, _) = Score(rows, batchSize: 16, ("A", 3), ("B", 2));
        var expected = rows.Select(r => AffineScorer.Expected(r.A, r.B)).ToArray();

        Parallel.For(0, 8, _ =>
        {
            var scores = view.GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < rows.Length; i++) CollectionAssert.AreEqual(expected[i], scores[i]);
        });
    }

    [TestMethod]
    public void GetterOfTheWrongTypeThrows()
    {
        var (view, _) = Score(InputRow.Make(1), batchSize: 2, ("A", 3));
        using var cursor = view.GetRowCursor(view.Schema);

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Score"]));

        Assert.AreEqual("Invalid TValue in GetGetter for column 'Score': 'System.Single', expected type: " +
            "'Microsoft.ML.Data.VBuffer`1[System.Single]'.", e.Message);
    }

    [TestMethod]
    public void GetterOfAnInactiveColumnThrows()
    {
        var (view, _) = Score(InputRow.Make(1), batchSize: 2, ("A", 3));
        using var cursor = view.GetRowCursor([view.Schema["Score"]]);

        Assert.IsFalse(cursor.IsColumnActive(view.Schema["Label"]));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Label"]));
        Assert.AreEqual("Column 'Label' is not active in this row; ask for it when creating the cursor.", e.Message);
    }

    [TestMethod]
    public void GetterOfAForeignColumnThrows()
    {
        var (view, _) = Score(InputRow.Make(1), batchSize: 2, ("A", 3));
        var foreign = new DataViewSchema.Builder();
        for (int i = 0; i <= view.Schema.Count; i++) foreign.AddColumn($"c{i}", NumberDataViewType.Single);
        var column = foreign.ToSchema()[view.Schema.Count];
        using var cursor = view.GetRowCursor(view.Schema);

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => cursor.GetGetter<float>(column));

        Assert.AreEqual($"Column 'c{view.Schema.Count}' has index {view.Schema.Count}, but this row's schema has " +
            $"{view.Schema.Count} columns. (Parameter 'column')", e.Message);
    }
}
