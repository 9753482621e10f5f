namespace Flax;

/// <summary>
/// What a fitted Flax model reads and writes in ML.NET terms: the input columns (each feeding the model input of the
/// same name, as a known-size vector of Single) and the output column (a vector of Single).
/// </summary>
internal sealed class ModelSignature
{
    /// <summary>Creates a signature.</summary>
    /// <param name="inputs">The model inputs, in the model function's argument order.</param>
    /// <param name="outputColumnName">The output column (and model output) name.</param>
    /// <param name="outputRowShape">The shape of one output row, without the batch axis.</param>
    public ModelSignature(IReadOnlyList<ModelInput> inputs, string outputColumnName, int[] outputRowShape)
    {
        Inputs = inputs;
        OutputColumnName = outputColumnName;
        OutputRowShape = outputRowShape;
        OutputType = SchemaTypes.OutputOf(outputRowShape);
    }

    /// <summary>The model inputs, in the model function's argument order.</summary>
    public IReadOnlyList<ModelInput> Inputs { get; }

    /// <summary>The output column (and model output) name.</summary>
    public string OutputColumnName { get; }

    /// <summary>The shape of one output row, without the batch axis.</summary>
    public int[] OutputRowShape { get; }

    /// <summary>The number of values in one output row.</summary>
    public int OutputSize => OutputType.Size;

    /// <summary>The output column's type.</summary>
    public VectorDataViewType OutputType { get; }

    /// <summary>
    /// Checks that <paramref name="schema"/> can feed the model and returns the columns that do. A column feeds an
    /// input when it is a vector of Single with the input's number of values (its dimensions may differ).
    /// </summary>
    /// <exception cref="ArgumentException">An input column is missing, or its type does not fit the model input.</exception>
    public SchemaBinding Bind(DataViewSchema schema)
    {
        var columns = new DataViewSchema.Column[Inputs.Count];
        for (int i = 0; i < columns.Length; i++)
        {
            var input = Inputs[i];
            var column = SchemaChecks.Find(schema, input.ColumnName);
            if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } ||
                item != NumberDataViewType.Single || size != input.Size)
                throw new ArgumentException(
                    $"Input column '{input.ColumnName}' has type {column.Type}, but the Flax model expects " +
                    $"{input.ColumnType} (row shape {Shapes.Format(input.RowShape)}).", "inputSchema");
            columns[i] = column;
        }
        return new SchemaBinding(this, schema, columns);
    }
}
