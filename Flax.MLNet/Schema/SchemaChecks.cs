namespace Flax;

/// <summary>The column look-ups shared by the estimator and the transformer, with their error messages.</summary>
internal static class SchemaChecks
{
    /// <summary>Finds a visible column by name.</summary>
    /// <exception cref="ArgumentException">No such column; the message lists the columns there are.</exception>
    public static DataViewSchema.Column Find(DataViewSchema schema, string name) =>
        schema.GetColumnOrNull(name) is { IsHidden: false } column
            ? column
            : throw Missing(name, schema.Where(c => !c.IsHidden).Select(c => c.Name));

    /// <summary>The error for a missing input column.</summary>
    public static ArgumentException Missing(string name, IEnumerable<string> present) => new(
        $"Could not find input column '{name}' for the Flax model; the input has columns: " +
        $"{string.Join(", ", present.Distinct())}.", "inputSchema");
}
