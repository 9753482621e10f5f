namespace Flax;

/// <summary>
/// What a fitted Flax model reads and writes in ML.NET terms: the input columns (each feeding the model input of the
/// same name) and the output columns (each a vector of Single, one per model output, in the model's order).
/// </summary>
internal sealed class ModelSignature
{
    /// <summary>Creates a signature.</summary>
    /// <param name="inputs">The model inputs, in the model function's argument order.</param>
    /// <param name="outputs">The model outputs, in the order the model returns them.</param>
    public ModelSignature(IReadOnlyList<ModelInput> inputs, IReadOnlyList<ModelOutput> outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Creates the signature of a model with one output.</summary>
    public ModelSignature(IReadOnlyList<ModelInput> inputs, string outputColumnName, int[] outputRowShape)
        : this(inputs, [new ModelOutput(outputColumnName, outputRowShape)]) { }

    /// <summary>The model inputs, in the model function's argument order.</summary>
    public IReadOnlyList<ModelInput> Inputs { get; }

    /// <summary>The model outputs, in the order the model returns them.</summary>
    public IReadOnlyList<ModelOutput> Outputs { get; }

    /// <summary>
    /// The output's name in the ONNX graph: the output column's name, with the lowering's suffix
    /// <c>:updated</c> when an input has that name too (an ONNX graph cannot use one name twice).
    /// </summary>
    public string OnnxName(ModelOutput output) => Inputs.Any(i => i.ColumnName == output.ColumnName)
        ? output.ColumnName + Lowerer.UpdatedSuffix
        : output.ColumnName;

    /// <summary>Checks that <paramref name="schema"/> can feed the model and returns the columns that do.</summary>
    /// <exception cref="ArgumentException">An input column is missing, or its type does not fit the model input.</exception>
    public SchemaBinding Bind(DataViewSchema schema) =>
        new(this, schema, Inputs.Select(input => input.FindIn(schema)).ToArray());
}
