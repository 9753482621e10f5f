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

    /// <summary>
    /// The model output's name in the ONNX graph: the output column's name, with the lowering's suffix
    /// <c>:updated</c> when an input has that name too (an ONNX graph cannot use one name twice).
    /// </summary>
    public string OnnxOutputName => Inputs.Any(i => i.ColumnName == OutputColumnName)
        ? OutputColumnName + Lowerer.UpdatedSuffix
        : OutputColumnName;

    /// <summary>The shape of one output row, without the batch axis.</summary>
    public int[] OutputRowShape { get; }

    /// <summary>The number of values in one output row.</summary>
    public int OutputSize => OutputType.Size;

    /// <summary>The output column's type.</summary>
    public VectorDataViewType OutputType { get; }

    /// <summary>Checks that <paramref name="schema"/> can feed the model and returns the columns that do.</summary>
    /// <exception cref="ArgumentException">An input column is missing, or its type does not fit the model input.</exception>
    public SchemaBinding Bind(DataViewSchema schema) =>
        new(this, schema, Inputs.Select(input => input.FindIn(schema)).ToArray());
}
