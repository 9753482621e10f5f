namespace Flax;

/// <summary>
/// The lazy <see cref="IDataView"/> a <see cref="FlaxTransformer"/> returns: the input view with the model's output
/// columns appended. Nothing runs until a cursor moves; a cursor that asks for an output column scores its rows in
/// batches (one model run per batch), any other cursor is the input's.
/// </summary>
internal sealed class ScoredDataView(IDataView input, SchemaBinding binding, IBatchScorer scorer, int batchSize) : IDataView
{
    /// <inheritdoc/>
    public DataViewSchema Schema => binding.OutputSchema;

    /// <inheritdoc/>
    public bool CanShuffle => input.CanShuffle;

    /// <inheritdoc/>
    public long? GetRowCount() => input.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        var upstream = input.GetRowCursor(binding.Dependencies(needed), rand);
        if (!binding.Scores(needed)) return new ForwardingCursor(binding, upstream);
        var passThrough = needed.Where(c => binding.OutputOf(c) < 0).Select(c => binding.InputSchema[c.Index]);
        return new BatchScoringCursor(binding, upstream, passThrough, scorer, batchSize);
    }

    /// <summary>Returns one cursor: batching already keeps the model busy, and rows stay in the input's order.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
