using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>The scored view of a model of several outputs: one scorer run per batch fills every output column.</summary>
[TestClass]
public sealed class SeveralOutputsViewTests
{
    private static readonly MLContext Ml = new(seed: 0);

    /// <summary>A stand-in model of input A (3 values): output 0 is the row's sum, output 1 twice its first value and its
    /// last value. Records the size of every batch.</summary>
    private sealed class TwoOutputScorer : IBatchScorer
    {
        public ConcurrentQueue<int> Batches { get; } = new();

        public Device Device => Device.Cpu;

        public void Score(int rows, HostBatch[] inputs, float[][] outputs)
        {
            Batches.Enqueue(rows);
            var a = ((HostBatch<float>)inputs[0]).Data;
            for (int r = 0; r < rows; r++)
            {
                outputs[0][r] = a[3 * r] + a[3 * r + 1] + a[3 * r + 2];
                (outputs[1][2 * r], outputs[1][2 * r + 1]) = (2 * a[3 * r], a[3 * r + 2]);
            }
        }

        public void Dispose() { }
    }

    private static (IDataView View, TwoOutputScorer Scorer, InputRow[] Rows) Scored(int count, int batchSize)
    {
        var rows = InputRow.Make(count);
        var data = Ml.Data.LoadFromEnumerable(rows);
        var signature = new ModelSignature([new ModelInput("A", [3])], [new ModelOutput("Sum", []), new ModelOutput("Ends", [2])]);
        var scorer = new TwoOutputScorer();
        return (new ScoredDataView(data, signature.Bind(data.Schema), scorer, batchSize), scorer, rows);
    }

    [TestMethod]
    public void OneRunPerBatchFillsEveryOutputColumn()
    {
        var (view, scorer, rows) = Scored(10, batchSize: 4);

        using var cursor = view.GetRowCursor(view.Schema);
        var sum = cursor.GetGetter<VBuffer<float>>(view.Schema["Sum"]);
        var ends = cursor.GetGetter<VBuffer<float>>(view.Schema["Ends"]);
        var (s, e) = (default(VBuffer<float>), default(VBuffer<float>));
        for (int i = 0; cursor.MoveNext(); i++)
        {
            sum(ref s);
            ends(ref e);
            CollectionAssert.AreEqual(new[] { rows[i].A.Sum() }, s.DenseValues().ToArray());
            CollectionAssert.AreEqual(new[] { 2 * rows[i].A[0], rows[i].A[2] }, e.DenseValues().ToArray());
        }

        CollectionAssert.AreEqual(new[] { 4, 4, 2 }, scorer.Batches.ToArray());
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1), view.Schema["Sum"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 2), view.Schema["Ends"].Type);
        CollectionAssert.AreEqual(new[] { "Sum", "Ends" }, view.Schema.TakeLast(2).Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void ACursorOfTheSecondOutputAloneScoresAndAnInputOnlyCursorDoesNot()
    {
        var (view, scorer, rows) = Scored(5, batchSize: 8);

        var ends = view.GetColumn<float[]>("Ends").ToArray();
        CollectionAssert.AreEqual(rows.SelectMany(r => new[] { 2 * r.A[0], r.A[2] }).ToArray(), ends.SelectMany(v => v).ToArray());
        Assert.HasCount(1, scorer.Batches);

        CollectionAssert.AreEqual(rows.Select(r => r.Label).ToArray(), view.GetColumn<float>("Label").ToArray());
        Assert.HasCount(1, scorer.Batches);
    }
}
