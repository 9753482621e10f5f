namespace Flax;

/// <summary>
/// The cursor of a scored view when the consumer did not ask for an output column: the input cursor as it is,
/// under the output schema (whose input columns keep their indices).
/// </summary>
internal sealed class ForwardingCursor(SchemaBinding binding, DataViewRowCursor upstream) : DataViewRowCursor
{
    /// <inheritdoc/>
    public override DataViewSchema Schema => binding.OutputSchema;

    /// <inheritdoc/>
    public override long Position => upstream.Position;

    /// <inheritdoc/>
    public override long Batch => upstream.Batch;

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) =>
        binding.OutputOf(column) < 0 && upstream.IsColumnActive(binding.InputSchema[column.Index]);

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        binding.OutputOf(column) >= 0
            ? throw Getters.Inactive(column)
            : upstream.GetGetter<TValue>(binding.InputSchema[column.Index]);

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => upstream.GetIdGetter();

    /// <inheritdoc/>
    public override bool MoveNext() => upstream.MoveNext();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) upstream.Dispose();
        base.Dispose(disposing);
    }
}
