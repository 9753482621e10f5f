namespace Flax;

/// <summary>
/// <c>mlContext.Transforms.ApplyFlaxModel(...)</c>: puts a Flax model (a C# function over a <see cref="Scope"/>)
/// into an ML.NET pipeline, after any transforms that build its input columns and before any that use its output.
/// </summary>
/// <remarks>
/// The ML.NET types live in namespace <c>Flax</c> with the rest of the library, so the <c>using Flax;</c> that a model
/// needs also brings <c>ApplyFlaxModel</c>, <see cref="FlaxEstimator"/>, <see cref="FlaxTransformer"/> and
/// <see cref="FlaxModelOptions"/>.
/// </remarks>
public static class FlaxCatalog
{
    /// <summary>
    /// Scores the model <paramref name="model"/> on one input column: a vector whose values are one row of the
    /// model's input, shape <c>(batch, ..row shape)</c>. Single feeds float32; a key of UInt32 (<c>MapValueToKey</c>)
    /// feeds int64 key − 1, the index <c>Nn.Embedding</c> takes; UInt32 and Int64 feed int64, Int32 int32, Boolean bool
    /// (see <see cref="FlaxEstimator"/>).
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">The column the model's output goes to: a vector of Single.</param>
    /// <param name="inputColumnName">The column the model's input comes from.</param>
    /// <param name="model">The model, as given to <c>Core.Init</c> and <c>Core.Apply</c>.</param>
    /// <param name="options">Seed or pretrained variables, device, batch size, input shape; null for the defaults.</param>
    /// <returns>The estimator; <see cref="FlaxEstimator.Fit"/> initializes (or takes) the variables.</returns>
    public static FlaxEstimator ApplyFlaxModel(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        Func<Scope, Tensor, Tensor> model, FlaxModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(model);
        return new FlaxEstimator(FlaxModel.Of(model), [outputColumnName], [inputColumnName], options ?? new FlaxModelOptions(),
            Registered(CatalogEnvironment.Of(catalog)));
    }

    /// <summary>
    /// Scores the two-input model <paramref name="model"/>: its first input comes from
    /// <paramref name="firstInputColumnName"/>, its second from <paramref name="secondInputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">The column the model's output goes to: a vector of Single.</param>
    /// <param name="firstInputColumnName">The column the model's first input comes from.</param>
    /// <param name="secondInputColumnName">The column the model's second input comes from.</param>
    /// <param name="model">The model, as given to <c>Core.Init</c> and <c>Core.Apply</c>.</param>
    /// <param name="options">Seed or pretrained variables, device, batch size, input shapes; null for the defaults.</param>
    /// <returns>The estimator; <see cref="FlaxEstimator.Fit"/> initializes (or takes) the variables.</returns>
    public static FlaxEstimator ApplyFlaxModel(this TransformsCatalog catalog, string outputColumnName,
        string firstInputColumnName, string secondInputColumnName, Func<Scope, Tensor, Tensor, Tensor> model, FlaxModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(firstInputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(secondInputColumnName);
        ArgumentNullException.ThrowIfNull(model);
        return new FlaxEstimator(FlaxModel.Of(model), [outputColumnName], [firstInputColumnName, secondInputColumnName],
            options ?? new FlaxModelOptions(), Registered(CatalogEnvironment.Of(catalog)));
    }

    /// <summary>
    /// Scores a model of several outputs (as <c>Core.ApplyOutputs</c> runs it, e.g. <c>[logits, embedding]</c>) into
    /// several output columns: output <c>i</c> goes to <c>outputColumnNames[i]</c>, a vector of Single; one run per
    /// batch computes them all. When training, the loss's prediction is the first output unless
    /// <see cref="FlaxTrainingOptions.PredictionColumnName"/> names another.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnNames">The output columns, one per model output in the model's order; <c>Fit</c> throws
    /// <see cref="ArgumentException"/> when the model returns another number of outputs.</param>
    /// <param name="inputColumnName">The column the model's input comes from.</param>
    /// <param name="model">The model, as given to <c>Core.InitOutputs</c> and <c>Core.ApplyOutputs</c>.</param>
    /// <param name="options">Seed or pretrained variables, device, batch size, input shape; null for the defaults.</param>
    /// <returns>The estimator; <see cref="FlaxEstimator.Fit"/> initializes (or takes) the variables.</returns>
    /// <exception cref="ArgumentException">No output column is named, a name is null or empty, or a name is given twice.</exception>
    public static FlaxEstimator ApplyFlaxModel(this TransformsCatalog catalog, string[] outputColumnNames, string inputColumnName,
        Func<Scope, Tensor, Tensor[]> model, FlaxModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        CheckOutputs(outputColumnNames);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentNullException.ThrowIfNull(model);
        return new FlaxEstimator(FlaxModel.Of(model), [.. outputColumnNames], [inputColumnName], options ?? new FlaxModelOptions(),
            Registered(CatalogEnvironment.Of(catalog)));
    }

    /// <summary>
    /// Scores a two-input model of several outputs into several output columns (see
    /// <see cref="ApplyFlaxModel(TransformsCatalog, string[], string, Func{Scope, Tensor, Tensor[]}, FlaxModelOptions?)"/>).
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnNames">The output columns, one per model output in the model's order.</param>
    /// <param name="firstInputColumnName">The column the model's first input comes from.</param>
    /// <param name="secondInputColumnName">The column the model's second input comes from.</param>
    /// <param name="model">The model, as given to <c>Core.InitOutputs</c> and <c>Core.ApplyOutputs</c>.</param>
    /// <param name="options">Seed or pretrained variables, device, batch size, input shapes; null for the defaults.</param>
    /// <returns>The estimator; <see cref="FlaxEstimator.Fit"/> initializes (or takes) the variables.</returns>
    /// <exception cref="ArgumentException">No output column is named, a name is null or empty, or a name is given twice.</exception>
    public static FlaxEstimator ApplyFlaxModel(this TransformsCatalog catalog, string[] outputColumnNames,
        string firstInputColumnName, string secondInputColumnName, Func<Scope, Tensor, Tensor, Tensor[]> model, FlaxModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        CheckOutputs(outputColumnNames);
        ArgumentException.ThrowIfNullOrEmpty(firstInputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(secondInputColumnName);
        ArgumentNullException.ThrowIfNull(model);
        return new FlaxEstimator(FlaxModel.Of(model), [.. outputColumnNames], [firstInputColumnName, secondInputColumnName],
            options ?? new FlaxModelOptions(), Registered(CatalogEnvironment.Of(catalog)));
    }

    private static void CheckOutputs(string[] outputColumnNames)
    {
        ArgumentNullException.ThrowIfNull(outputColumnNames);
        if (outputColumnNames.Length == 0)
            throw new ArgumentException("Name at least one output column, one per model output.", nameof(outputColumnNames));
        if (outputColumnNames.Any(string.IsNullOrEmpty))
            throw new ArgumentException("An output column name is null or empty.", nameof(outputColumnNames));
        if (outputColumnNames.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Output column '{twice.Key}' is named twice; each model output needs a column of its own.", nameof(outputColumnNames));
    }

    /// <summary>
    /// Lets <c>mlContext.Model.Load</c> reload Flax models as batched <see cref="FlaxTransformer"/>s with their variables
    /// (call it as <c>mlContext.ComponentCatalog.RegisterFlaxModels()</c> before loading, in a process that has not
    /// called <c>ApplyFlaxModel</c> on that context, which registers it). Without it, a saved Flax model reloads as ML.NET's
    /// own <c>OnnxTransformer</c>, with the same outputs, scoring one row per run.
    /// </summary>
    /// <param name="catalog">The context's catalog, <c>mlContext.ComponentCatalog</c>.</param>
    /// <returns>True; false when this version of ML.NET lacks an internal member the loader needs (models then reload as
    /// <c>OnnxTransformer</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null.</exception>
    public static bool RegisterFlaxModels(this Microsoft.ML.Runtime.ComponentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return FlaxModelLoader.Register(catalog);
    }

    private static Microsoft.ML.Runtime.IHostEnvironment? Registered(Microsoft.ML.Runtime.IHostEnvironment? environment)
    {
        if (environment is not null) FlaxModelLoader.Register(environment.ComponentCatalog);
        return environment;
    }
}
