using System.Reflection;
using Microsoft.ML.Runtime;

namespace Flax;

/// <summary>
/// The ML.NET environment behind a <see cref="TransformsCatalog"/> (the <see cref="MLContext"/> that made it), so that
/// the estimator's training messages reach <c>mlContext.Log</c>.
/// </summary>
/// <remarks>
/// ML.NET keeps this link internal (<c>IInternalCatalog.Environment</c>, read by its own <c>CatalogUtils.GetEnvironment</c>);
/// no public member reaches it, so it is read here by reflection, once per type. Should a later ML.NET rename it, the
/// lookup finds nothing and training simply logs nowhere: logging is a convenience, never a reason to fail.
/// </remarks>
internal static class CatalogEnvironment
{
    private static readonly PropertyInfo? s_environment = typeof(TransformsCatalog).GetInterfaces()
        .Where(i => i.Name == "IInternalCatalog")
        .Select(i => i.GetProperty("Environment", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        .FirstOrDefault(p => p?.PropertyType == typeof(IHostEnvironment));

    /// <summary>The environment of <paramref name="catalog"/>, or null when this ML.NET hides it differently.</summary>
    internal static IHostEnvironment? Of(TransformsCatalog catalog) => s_environment?.GetValue(catalog) as IHostEnvironment;
}
