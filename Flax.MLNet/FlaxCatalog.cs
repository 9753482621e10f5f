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
    /// Scores the model <paramref name="model"/> on one input column: a known-size vector of Single whose values
    /// are one row of the model's input, shape <c>(batch, ..row shape)</c>.
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
        return new FlaxEstimator(FlaxModel.Of(model), outputColumnName, [inputColumnName], options ?? new FlaxModelOptions(),
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
        return new FlaxEstimator(FlaxModel.Of(model), outputColumnName, [firstInputColumnName, secondInputColumnName],
            options ?? new FlaxModelOptions(), Registered(CatalogEnvironment.Of(catalog)));
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
