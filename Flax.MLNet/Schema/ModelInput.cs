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
}
