namespace Flax;

/// <summary>One model output and the ML.NET column it is scored into: a vector of Single.</summary>
/// <param name="ColumnName">The output column's name (also the output's name in the exported ONNX graph, see
/// <see cref="ModelSignature.OnnxName"/>).</param>
/// <param name="RowShape">The shape of one output row, without the batch axis.</param>
internal sealed record ModelOutput(string ColumnName, int[] RowShape)
{
    /// <summary>The column's type: a vector of Single of dimensions <c>[1, ..RowShape]</c> (<see cref="SchemaTypes.OutputOf"/>).</summary>
    public VectorDataViewType Type { get; } = SchemaTypes.OutputOf(RowShape);

    /// <summary>The number of values in one output row.</summary>
    public int Size => Type.Size;
}
