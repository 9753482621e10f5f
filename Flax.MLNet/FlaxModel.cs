namespace Flax;

/// <summary>
/// A user's model function as the estimator uses it: initialized with <c>Core.Init</c>'s semantics and exported to
/// ONNX with the graph's inputs and output named after the ML.NET columns, which is what lets ML.NET's own
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

    /// <summary>
    /// Fits the model for <paramref name="inputs"/>: takes <see cref="FlaxModelOptions.Variables"/> or initializes
    /// them from <see cref="FlaxModelOptions.Seed"/> (as <c>Core.Init</c> does on one row of zeros), trains them on
    /// <paramref name="data"/> when <see cref="FlaxModelOptions.Training"/> is set, exports the model and opens its
    /// session.
    /// </summary>
    /// <param name="inputs">The model inputs, checked against the data's schema first.</param>
    /// <param name="outputColumnName">The output column.</param>
    /// <param name="options">The estimator's options.</param>
    /// <param name="data">The data the estimator is fitted on; its rows are read only to train.</param>
    /// <param name="environment">The ML.NET environment training logs to, or null.</param>
    /// <exception cref="ArgumentException">An input or label column does not fit, or the model's output is not one float32 row per input row.</exception>
    /// <exception cref="NotSupportedException">A one-input training model was given for a model of several inputs.</exception>
    public FlaxTransformer Fit(ModelInput[] inputs, string outputColumnName, FlaxModelOptions options, IDataView data,
        Microsoft.ML.Runtime.IHostEnvironment? environment)
    {
        foreach (var input in inputs) input.FindIn(data.Schema);
        var variables = options.Variables ?? Core.InitTraced(_fn, PrngKey.Create(options.Seed),
            [.. inputs.Select(i => NDArray.Zeros(i.DType, [1, .. i.RowShape]))], null, null, options.Device).Variables;
        if (options.Training is { } training)
        {
            if (inputs.Length != 1 && training.TrainingModel is not null)
                throw new NotSupportedException($"FlaxTrainingOptions.TrainingModel takes one input, but this model has {inputs.Length}; " +
                    "leave it null to train the scored model itself.");
            var rows = TrainingData.Read(data, inputs, training.LabelColumnName, training.SkipRowsWithNaN);
            if (OutputRowShape(variables, inputs) is [var classes]) rows.CheckClasses(classes, training.LabelColumnName);
            using var log = new TrainingLog(environment);
            variables = ModelTraining.Train((s, x) => _fn.Body(s, rows.Unpack(x))[0], variables, rows, training, options.Device, log);
        }
        var (onnx, signature) = Export(variables, inputs, outputColumnName, options.BatchSize);
        return new FlaxTransformer(signature, onnx, variables, SessionScorer.Open(onnx, signature, options.Device), options.BatchSize);
    }

    /// <summary>The shape of one row of the model's output (traced, not run).</summary>
    private int[] OutputRowShape(VariableDict variables, ModelInput[] inputs) => ScopeTracer.Trace(_fn,
        inputs.Select(i => i.Spec).ToArray(), variables, null, null, null)
        .Program.Outputs[0].Var.Type.Shape is { Length: > 0 } shape ? shape[1..] : [];

    /// <summary>
    /// Traces the model on inputs of the columns' dtypes with a dynamic batch axis and lowers it with every variable as an
    /// initializer named by its path, like <c>Core.Export</c>, but with graph inputs named after the input columns and
    /// the output named after the output column, and metadata for <c>mlContext.Model.Load</c> (<see cref="FlaxModelLoader"/>).
    /// The variables are plain initializers, not also graph inputs: the
    /// scorer never feeds them, and ML.NET's <c>OnnxTransformer</c> (Model.Save, Model.Load, ApplyOnnxModel on
    /// <c>ExportOnnx</c>'s file) then loads the model without ONNX Runtime warning once per parameter.
    /// </summary>
    private (byte[] Onnx, ModelSignature Signature) Export(VariableDict variables, ModelInput[] inputs, string outputColumnName, int batchSize)
    {
        var specs = inputs.Select(i => i.Spec).ToArray();
        var traced = ScopeTracer.Trace(_fn, specs, variables, null, null, null);
        var output = traced.Program.Outputs[0];
        if (output.Var.Type is not { DType: DType.Float32, Rank: > 0 } type || type.Dims[0] != -1)
            throw new ArgumentException($"The Flax model returns {output.Var.Type.DType.Name()}{Shapes.Format(output.Var.Type.Shape)} " +
                $"for inputs {string.Join(", ", specs.Select(s => Shapes.Format(s.Shape)))}; ML.NET scoring needs float32 " +
                "with one output row per input row, shape (None, ...).", "model");
        var signature = new ModelSignature(inputs, outputColumnName, type.Shape[1..]);
        var onnx = Core.Standalone(traced, variables, [.. inputs.Select(i => i.ColumnName)], [outputColumnName], overridable: false);
        return (FlaxModelLoader.WithMetadata(onnx.ToBytes(), traced.Program.Parameters.Select(p => p.Path), batchSize), signature);
    }
}
