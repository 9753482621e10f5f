namespace Flax;

/// <summary>
/// One model input and the ML.NET column that feeds it. The column name is also the input's name in the exported
/// ONNX graph, which is what ML.NET's own <c>ApplyOnnxModel</c> requires of a reloaded model.
/// </summary>
/// <param name="ColumnName">The column (and model input) name.</param>
/// <param name="RowShape">The shape of one row, without the batch axis.</param>
/// <param name="Kind">The column's item type, which fixes the model input's dtype.</param>
internal sealed record ModelInput(string ColumnName, int[] RowShape, InputKind Kind = InputKind.Single)
{
    /// <summary>The number of values in one row.</summary>
    public int Size => SchemaTypes.SizeOf(RowShape);

    /// <summary>The dtype of the model input.</summary>
    public DType DType => Kind.DType();

    /// <summary>The traced input: this dtype, shape <c>(None, ..row shape)</c>.</summary>
    public TensorSpec Spec => new(DType, [-1, .. RowShape]);

    /// <summary>The column type that feeds this input: a known-size vector of the kind's item type.</summary>
    /// <exception cref="NotSupportedException">The input is a key column (the column type needs the key count).</exception>
    public VectorDataViewType ColumnType => SchemaTypes.VectorOf(Kind.ItemType(), RowShape);

    /// <summary>The expected column type in words: <c>Vector&lt;Single, 2, 2&gt;</c>, <c>Vector&lt;Key&lt;UInt32&gt;, 4&gt;</c>.</summary>
    private string ExpectedType => Kind == InputKind.Key
        ? $"Vector<{Kind.Describe()}, {string.Join(", ", RowShape.Length == 0 ? [1] : RowShape)}>"
        : ColumnType.ToString();

    /// <summary>
    /// The column of <paramref name="schema"/> that feeds this input: a vector of the kind's item type with the
    /// input's number of values (its dimensions may differ from the row shape), or a variable-size one whose rows are
    /// checked as they are read.
    /// </summary>
    /// <exception cref="ArgumentException">The column is missing or its type does not fit.</exception>
    public DataViewSchema.Column FindIn(DataViewSchema schema)
    {
        var column = SchemaChecks.Find(schema, ColumnName);
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || InputKinds.Of(item) != Kind
            || (size != Size && size != 0))
            throw new ArgumentException($"Input column '{ColumnName}' has type {SchemaTypes.Describe(column.Type)}, but the Flax " +
                $"model expects {ExpectedType} (row shape {Shapes.Format(RowShape)}" +
                $"{(Kind == InputKind.Single ? "" : $", fed to the model as {DType.Name()}")}).", "inputSchema");
        return column;
    }
}
