using System.Reflection;
using Microsoft.ML;

namespace Flax.MLNet.Tests;

/// <summary>Test helpers for ML.NET schemas.</summary>
internal static class Schemas
{
    /// <summary>
    /// ML.NET's <c>SchemaShape.Create(schema)</c>, which it keeps internal: the shape an estimator chain passes to
    /// <c>GetOutputSchema</c>.
    /// </summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) => (SchemaShape)typeof(SchemaShape)
        .GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, [schema])!;
}
