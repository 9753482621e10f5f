namespace Flax;

/// <summary>
/// One model input and the ML.NET column that feeds it. The column name is also the input's name in the exported
/// ONNX graph, which is what ML.NET's own <c>ApplyOnnxModel</c> requires of a reloaded model.
/// </summary>
/// <param name="ColumnName">The column (and model input) name.</param>
/// <param name="RowShape">The shape of one row, without the batch axis.</param>
internal sealed record ModelInput(string ColumnName, int[] RowShape)
{
    /// <summary>The number of values in one row.</summary>
    public int Size => SchemaTypes.SizeOf(RowShape);

    /// <summary>The column type that feeds this input: a known-size vector of Single.</summary>
    public VectorDataViewType ColumnType => SchemaTypes.VectorOf(RowShape);

    /// <summary>
    /// The column of <paramref name="schema"/> that feeds this input: a vector of Single with the input's number of
    /// values (its dimensions may differ from the row shape).
    /// </summary>
    /// <exception cref="ArgumentException">The column is missing or its type does not fit.</exception>
    public DataViewSchema.Column FindIn(DataViewSchema schema)
    {
        var column = SchemaChecks.Find(schema, ColumnName);
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } ||
            item != NumberDataViewType.Single || size != Size)
            throw new ArgumentException($"Input column '{ColumnName}' has type {column.Type}, but the Flax model expects " +
                $"{ColumnType} (row shape {Shapes.Format(RowShape)}).", "inputSchema");
        return column;
    }
}
