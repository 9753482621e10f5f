namespace Flax;

/// <summary>
/// A user's model function as the estimator uses it: initialized with <c>Core.Init</c>'s semantics and exported to
/// ONNX with the graph's inputs and outputs named after the ML.NET columns, which is what lets ML.NET's own
/// <c>OnnxTransformer</c> reload a saved pipeline.
/// </summary>
internal sealed class FlaxModel
{
    private readonly ScopeFunction _fn;

    private FlaxModel(ScopeFunction fn) => _fn = fn;

    /// <summary>A model of one input.</summary>
    public static FlaxModel Of(Func<Scope, Tensor, Tensor> fn) => new(ScopeFunction.Of(fn));

    /// <summary>A model of two inputs.</summary>
    public static FlaxModel Of(Func<Scope, Tensor, Tensor, Tensor> fn) => new(ScopeFunction.Of(fn));

    /// <summary>A model of one input and several outputs.</summary>
    public static FlaxModel Of(Func<Scope, Tensor, Tensor[]> fn) => new(ScopeFunction.OfOutputs(fn));

    /// <summary>A model of two inputs and several outputs.</summary>
    public static FlaxModel Of(Func<Scope, Tensor, Tensor, Tensor[]> fn) => new(ScopeFunction.OfOutputs(fn));

    /// <summary>
    /// Fits the model for <paramref name="inputs"/>: takes <see cref="FlaxModelOptions.Variables"/> or initializes
    /// them from <see cref="FlaxModelOptions.Seed"/> (as <c>Core.Init</c> does on one row of zeros), checks its outputs
    /// against <paramref name="outputColumnNames"/>, trains the variables on <paramref name="data"/> when
    /// <see cref="FlaxModelOptions.Training"/> is set, exports the model and opens its session.
    /// </summary>
    /// <param name="inputs">The model inputs, checked against the data's schema first.</param>
    /// <param name="outputColumnNames">The output columns, one per model output.</param>
    /// <param name="options">The estimator's options.</param>
    /// <param name="data">The data the estimator is fitted on; its rows are read only to train.</param>
    /// <param name="environment">The ML.NET environment training logs to, or null.</param>
    /// <exception cref="ArgumentException">An input or label column does not fit; the model returns another number of
    /// outputs than there are output columns, or an output that is not one float32 row per input row; or the training's
    /// prediction column is not an output column.</exception>
    /// <exception cref="NotSupportedException">A one-input training model was given for a model of several inputs.</exception>
    public FlaxTransformer Fit(ModelInput[] inputs, string[] outputColumnNames, FlaxModelOptions options, IDataView data,
        Microsoft.ML.Runtime.IHostEnvironment? environment)
    {
        foreach (var input in inputs) input.FindIn(data.Schema);
        var variables = options.Variables ?? Core.InitTraced(_fn, PrngKey.Create(options.Seed),
            [.. inputs.Select(i => NDArray.Zeros(i.DType, [1, .. i.RowShape]))], null, null, options.Device).Variables;
        var (traced, outputs) = Trace(variables, inputs, outputColumnNames);
        if (options.Training is { } training)
        {
            if (inputs.Length != 1 && training.TrainingModel is not null)
                throw new NotSupportedException($"FlaxTrainingOptions.TrainingModel takes one input, but this model has {inputs.Length}; " +
                    "leave it null to train the scored model itself.");
            int prediction = training.PredictionColumnName is not { } name ? 0 : Array.IndexOf(outputColumnNames, name);
            if (prediction < 0)
                throw new ArgumentException($"FlaxTrainingOptions.PredictionColumnName '{training.PredictionColumnName}' is not one of " +
                    $"the output columns ({string.Join(", ", outputColumnNames)}).", nameof(options));
            var rows = TrainingData.Read(data, inputs, training.LabelColumnName, training.SkipRowsWithNaN);
            if (outputs[prediction].RowShape is [var classes]) rows.CheckClasses(classes, training.LabelColumnName);
            using var log = new TrainingLog(environment);
            variables = ModelTraining.Train((s, x) => _fn.Body(s, rows.Unpack(x))[prediction], variables, rows, training, options.Device, log);
        }
        var signature = new ModelSignature(inputs, outputs);
        var onnx = Core.Standalone(traced, variables, [.. inputs.Select(i => i.ColumnName)], outputColumnNames, overridable: false);
        var bytes = FlaxModelLoader.WithMetadata(onnx.ToBytes(), traced.Program.Parameters.Select(p => p.Path), options.BatchSize);
        return new FlaxTransformer(signature, bytes, variables, SessionScorer.Open(bytes, signature, options.Device), options.BatchSize);
    }

    /// <summary>
    /// Traces the model on inputs of the columns' dtypes with a dynamic batch axis, with every variable a parameter
    /// named by its path, and checks that it returns one float32 output row per input row for each output column.
    /// The trace is lowered like <c>Core.Export</c>'s, but with graph inputs and outputs named after the columns, and
    /// metadata for <c>mlContext.Model.Load</c> (<see cref="FlaxModelLoader"/>). The variables are plain initializers,
    /// not also graph inputs: the scorer never feeds them, and ML.NET's <c>OnnxTransformer</c> (Model.Save, Model.Load,
    /// ApplyOnnxModel on <c>ExportOnnx</c>'s file) then loads the model without ONNX Runtime warning once per parameter.
    /// </summary>
    /// <exception cref="ArgumentException">The number of outputs differs from the columns', or an output does not fit a column.</exception>
    private (TracedProgram Traced, ModelOutput[] Outputs) Trace(VariableDict variables, ModelInput[] inputs, string[] outputColumnNames)
    {
        var specs = inputs.Select(i => i.Spec).ToArray();
        var traced = ScopeTracer.Trace(_fn, specs, variables, null, null, null);
        if (traced.ResultCount != outputColumnNames.Length)
            throw new ArgumentException($"The Flax model returns {traced.ResultCount} output(s), but {outputColumnNames.Length} output " +
                $"column name(s) were given ({string.Join(", ", outputColumnNames)}); give one column per output, in the model's order.", "model");
        var outputs = new ModelOutput[outputColumnNames.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var type = traced.Program.Outputs[i].Var.Type;
            if (type is not { DType: DType.Float32, Rank: > 0 } || type.Dims[0] != -1)
                throw new ArgumentException($"The Flax model returns {type.DType.Name()}{Shapes.Format(type.Shape)}" +
                    $"{(outputs.Length > 1 ? $" as output {i} (column '{outputColumnNames[i]}')" : "")} for inputs " +
                    $"{string.Join(", ", specs.Select(s => Shapes.Format(s.Shape)))}; ML.NET scoring needs float32 with one output row " +
                    "per input row, shape (None, ...).", "model");
            outputs[i] = new ModelOutput(outputColumnNames[i], type.Shape[1..]);
        }
        return (traced, outputs);
    }
}
