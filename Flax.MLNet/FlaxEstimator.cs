namespace Flax;

/// <summary>
/// The estimator of a Flax model in an ML.NET pipeline (made by <c>mlContext.Transforms.ApplyFlaxModel</c>):
/// <see cref="Fit"/> initializes the model's variables with <c>Core.Init</c> (or takes
/// <see cref="FlaxModelOptions.Variables"/>), exports it to ONNX and opens an ONNX Runtime session, giving a
/// <see cref="FlaxTransformer"/>. The model's inputs are fed from the input columns, in order, each a vector whose
/// item type sets the input's dtype: Single → float32; a key of UInt32 (<c>MapValueToKey</c>) → int64 holding key − 1,
/// the 0-based index an <c>Nn.Embedding</c> takes (a missing key, 0, is an error when the row is read); UInt32 → int64;
/// Int32 → int32; Int64 → int64; Boolean → bool. A variable-size vector column (<c>TokenizeIntoWords</c> then
/// <c>MapValueToKey</c>) needs its row shape in <see cref="FlaxModelOptions.InputShapes"/>, and each row must have that
/// many values. The model's output becomes the output column, a vector of Single; a model of several outputs
/// (<c>ApplyFlaxModel</c> with several output column names) fills one column per output, in order, from one run per
/// batch. Training logs one line per epoch to the
/// <see cref="MLContext"/>'s log (<c>mlContext.Log</c>, source <c>Flax</c>).
/// </summary>
public sealed class FlaxEstimator : IEstimator<FlaxTransformer>
{
    private readonly FlaxModel _model;
    private readonly string[] _outputColumnNames;
    private readonly string[] _inputColumnNames;
    private readonly FlaxModelOptions _options;
    private readonly Microsoft.ML.Runtime.IHostEnvironment? _environment;

    internal FlaxEstimator(FlaxModel model, string[] outputColumnNames, string[] inputColumnNames, FlaxModelOptions options,
        Microsoft.ML.Runtime.IHostEnvironment? environment)
    {
        if (options.InputShapes is { } shapes)
        {
            if (shapes.Count != inputColumnNames.Length)
                throw new ArgumentException($"FlaxModelOptions.InputShapes has {shapes.Count} shapes for " +
                    $"{inputColumnNames.Length} input columns ({string.Join(", ", inputColumnNames)}).", nameof(options));
            foreach (var shape in shapes)
                if (shape is null || shape.Any(d => d < 1))
                    throw new ArgumentException($"FlaxModelOptions.InputShapes holds {(shape is null ? "null" : Shapes.Format(shape))}; " +
                        "a row shape lists positive sizes.", nameof(options));
        }
        _model = model;
        _outputColumnNames = outputColumnNames;
        _inputColumnNames = inputColumnNames;
        _options = options;
        _environment = environment;
    }

    /// <summary>
    /// Checks the input columns (present, vectors of a supported item type, known-size unless
    /// <see cref="FlaxModelOptions.InputShapes"/> is set) and returns the schema shape after the
    /// transformer: <paramref name="inputSchema"/> with the output columns, each a vector of Single.
    /// </summary>
    /// <param name="inputSchema">The shape of the input.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is null.</exception>
    /// <exception cref="ArgumentException">An input column is missing, is not a vector of Single, Key&lt;UInt32&gt;, UInt32,
    /// Int32, Int64 or Boolean, or is a variable-size vector without a row shape in <see cref="FlaxModelOptions.InputShapes"/>.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var name in _inputColumnNames)
        {
            var column = inputSchema.Where(c => c.Name == name).Select(c => (SchemaShape.Column?)c).FirstOrDefault()
                ?? throw SchemaChecks.Missing(name, inputSchema.Select(c => c.Name));
            if (column.Kind == SchemaShape.Column.VectorKind.Scalar || InputKinds.Of(column.ItemType) is null)
                throw Unsupported(name, SchemaTypes.Describe(column));
            if (column.Kind == SchemaShape.Column.VectorKind.VariableVector && _options.InputShapes is null)
                throw VariableSize(name, SchemaTypes.Describe(column));
        }
        return _outputColumnNames.Aggregate(inputSchema, (schema, name) => SchemaShapes.Append(schema, SchemaShapes.SingleVector(name)));
    }

    /// <summary>
    /// Fits the model on <paramref name="input"/>: initializes or takes the variables, trains them on the rows when
    /// <see cref="FlaxModelOptions.Training"/> is set (otherwise no rows are read), exports the model and opens its
    /// session.
    /// </summary>
    /// <param name="input">The training data.</param>
    /// <returns>The transformer; dispose it to release its ONNX Runtime session.</returns>
    /// <exception cref="ArgumentException">An input column is missing or does not fit the model input it feeds; the
    /// label column is missing or of an unsupported type; the model returns another number of outputs than there are
    /// output columns, or an output that is not float32 with one row per input row; or
    /// <see cref="FlaxTrainingOptions.PredictionColumnName"/> is not an output column.</exception>
    /// <exception cref="NotSupportedException">A one-input <see cref="FlaxTrainingOptions.TrainingModel"/> was given for a
    /// model of several inputs.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public FlaxTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inputs = new ModelInput[_inputColumnNames.Length];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = InputOf(input.Schema, i);
        return _model.Fit(inputs, _outputColumnNames, _options, input, _environment);
    }

    private ModelInput InputOf(DataViewSchema schema, int index)
    {
        string name = _inputColumnNames[index];
        var type = SchemaChecks.Find(schema, name).Type;
        if (type is not VectorDataViewType vector || InputKinds.Of(vector.ItemType) is not { } kind)
            throw Unsupported(name, $"of type {type}");
        if (_options.InputShapes?[index] is { } shape) return new ModelInput(name, shape, kind);
        return vector.IsKnownSize
            ? new ModelInput(name, SchemaTypes.RowShapeOf(vector), kind)
            : throw VariableSize(name, $"of type {SchemaTypes.Describe(type)}");
    }

    private static ArgumentException Unsupported(string name, string actual) =>
        new($"Input column '{name}' is {actual}, but the Flax model expects a known-size vector of {InputKinds.Supported}.", "inputSchema");

    private static ArgumentException VariableSize(string name, string actual) =>
        new($"Input column '{name}' is {actual}, but the Flax model needs a fixed row shape: give it in " +
            "FlaxModelOptions.InputShapes (each row must then have that many values).", "inputSchema");
}
