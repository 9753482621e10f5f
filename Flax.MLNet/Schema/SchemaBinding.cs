namespace Flax;

/// <summary>
/// A <see cref="ModelSignature"/> bound to one input schema: the columns that feed the model and the output schema,
/// which is the input schema with the model's output columns appended in order (hiding input columns of the same names).
/// </summary>
internal sealed class SchemaBinding
{
    /// <summary>Binds; <see cref="ModelSignature.Bind"/> has checked the columns.</summary>
    public SchemaBinding(ModelSignature signature, DataViewSchema inputSchema, DataViewSchema.Column[] inputColumns)
    {
        Signature = signature;
        InputSchema = inputSchema;
        InputColumns = inputColumns;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var output in signature.Outputs) builder.AddColumn(output.ColumnName, output.Type);
        OutputSchema = builder.ToSchema();
    }

    /// <summary>The signature that was bound.</summary>
    public ModelSignature Signature { get; }

    /// <summary>The schema rows come in with.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>The input columns feeding the model inputs, in the signature's order.</summary>
    public DataViewSchema.Column[] InputColumns { get; }

    /// <summary>The schema rows go out with.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>The index of <paramref name="column"/>, a column of <see cref="OutputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column's index is outside the output schema.</exception>
    public int IndexOf(DataViewSchema.Column column) => (uint)column.Index < (uint)OutputSchema.Count
        ? column.Index
        : throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' has index {column.Index}, " +
            $"but this row's schema has {OutputSchema.Count} columns.");

    /// <summary>The model output <paramref name="column"/> holds (0 for the first), or −1 for an input column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column's index is outside the output schema.</exception>
    public int OutputOf(DataViewSchema.Column column) => IndexOf(column) is var index && index >= InputSchema.Count ? index - InputSchema.Count : -1;

    /// <summary>
    /// The input columns a consumer of <paramref name="active"/> output columns needs: the same columns, plus the
    /// model's input columns when an output column is among them.
    /// </summary>
    public IEnumerable<DataViewSchema.Column> Dependencies(IEnumerable<DataViewSchema.Column> active)
    {
        var needed = new SortedSet<int>();
        foreach (var column in active)
        {
            if (column.Index >= InputSchema.Count) needed.UnionWith(InputColumns.Select(c => c.Index));
            else needed.Add(column.Index);
        }
        return needed.Select(i => InputSchema[i]);
    }

    /// <summary>Whether <paramref name="active"/> holds an output column.</summary>
    public bool Scores(IEnumerable<DataViewSchema.Column> active) => active.Any(c => c.Index >= InputSchema.Count);
}
