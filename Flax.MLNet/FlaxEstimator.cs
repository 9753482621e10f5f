namespace Flax;

/// <summary>
/// The estimator of a Flax model in an ML.NET pipeline (made by <c>mlContext.Transforms.ApplyFlaxModel</c>):
/// <see cref="Fit"/> initializes the model's variables with <c>Core.Init</c> (or takes
/// <see cref="FlaxModelOptions.Variables"/>), exports it to ONNX and opens an ONNX Runtime session, giving a
/// <see cref="FlaxTransformer"/>. The model's inputs are fed from the input columns, in order, each a known-size
/// vector of Single; its output becomes the output column. Training logs one line per epoch to the
/// <see cref="MLContext"/>'s log (<c>mlContext.Log</c>, source <c>Flax</c>).
/// </summary>
public sealed class FlaxEstimator : IEstimator<FlaxTransformer>
{
    private readonly FlaxModel _model;
    private readonly string _outputColumnName;
    private readonly string[] _inputColumnNames;
    private readonly FlaxModelOptions _options;
    private readonly Microsoft.ML.Runtime.IHostEnvironment? _environment;

    internal FlaxEstimator(FlaxModel model, string outputColumnName, string[] inputColumnNames, FlaxModelOptions options,
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
        _outputColumnName = outputColumnName;
        _inputColumnNames = inputColumnNames;
        _options = options;
        _environment = environment;
    }

    /// <summary>
    /// Checks the input columns (present, known-size vectors of Single) and returns the schema shape after the
    /// transformer: <paramref name="inputSchema"/> with the output column, a vector of Single.
    /// </summary>
    /// <param name="inputSchema">The shape of the input.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is null.</exception>
    /// <exception cref="ArgumentException">An input column is missing or is not a known-size vector of Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var name in _inputColumnNames)
        {
            var column = inputSchema.Where(c => c.Name == name).Select(c => (SchemaShape.Column?)c).FirstOrDefault()
                ?? throw SchemaChecks.Missing(name, inputSchema.Select(c => c.Name));
            if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
                throw NotSingleVector(name, SchemaTypes.Describe(column));
        }
        return SchemaShapes.Append(inputSchema, SchemaShapes.SingleVector(_outputColumnName));
    }

    /// <summary>
    /// Fits the model on <paramref name="input"/>: initializes or takes the variables, trains them on the rows when
    /// <see cref="FlaxModelOptions.Training"/> is set (otherwise no rows are read), exports the model and opens its
    /// session.
    /// </summary>
    /// <param name="input">The training data.</param>
    /// <returns>The transformer; dispose it to release its ONNX Runtime session.</returns>
    /// <exception cref="ArgumentException">An input column is missing or does not fit the model input it feeds, or
    /// the label column is missing or of an unsupported type.</exception>
    /// <exception cref="NotSupportedException">A one-input <see cref="FlaxTrainingOptions.TrainingModel"/> was given for a
    /// model of several inputs.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public FlaxTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inputs = new ModelInput[_inputColumnNames.Length];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = new ModelInput(_inputColumnNames[i], _options.InputShapes?[i] ?? RowShapeOf(input.Schema, _inputColumnNames[i]));
        return _model.Fit(inputs, _outputColumnName, _options, input, _environment);
    }

    private static int[] RowShapeOf(DataViewSchema schema, string name) =>
        SchemaChecks.Find(schema, name).Type is VectorDataViewType { ItemType: NumberDataViewType item, IsKnownSize: true } vector &&
        item == NumberDataViewType.Single
            ? SchemaTypes.RowShapeOf(vector)
            : throw NotSingleVector(name, $"of type {schema[name].Type}");

    private static ArgumentException NotSingleVector(string name, string actual) =>
        new($"Input column '{name}' is {actual}, but the Flax model expects a known-size vector of Single.", "inputSchema");
}
