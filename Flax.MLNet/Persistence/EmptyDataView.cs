namespace Flax;

/// <summary>A data view with a schema and no rows: what ML.NET's estimators are fitted on when only the schema matters.</summary>
internal sealed class EmptyDataView(DataViewSchema schema) : IDataView
{
    /// <summary>A view whose columns are the model's input columns.</summary>
    public static EmptyDataView Of(ModelSignature signature)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var input in signature.Inputs) builder.AddColumn(input.ColumnName, input.ColumnType);
        return new EmptyDataView(builder.ToSchema());
    }

    /// <inheritdoc/>
    public DataViewSchema Schema => schema;

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <inheritdoc/>
    public long? GetRowCount() => 0;

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(schema);

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(schema)];

    private sealed class Cursor(DataViewSchema schema) : DataViewRowCursor
    {
        public override DataViewSchema Schema => schema;

        public override long Position => -1;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            (ref TValue _) => throw new InvalidOperationException("An empty view has no rows to read.");

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId _) => throw new InvalidOperationException("An empty view has no rows to read.");

        public override bool MoveNext() => false;
    }
}
