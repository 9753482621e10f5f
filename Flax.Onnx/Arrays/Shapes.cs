namespace Flax;

/// <summary>Helpers for array shapes (sequences of non-negative dimension sizes).</summary>
public static class Shapes
{
    /// <summary>
    /// Formats a shape the way Python prints a tuple: <c>(2, 3)</c>, <c>(5,)</c> for rank 1 and <c>()</c> for a scalar.
    /// A dynamic (unknown) dimension, given as -1, prints as <c>None</c>, like <c>jax.ShapeDtypeStruct</c> shapes in Flax errors.
    /// </summary>
    /// <param name="shape">The dimension sizes.</param>
    /// <returns>The tuple text.</returns>
    public static string Format(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 1) return $"({Dim(shape[0])},)";
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++) parts[i] = Dim(shape[i]);
        return "(" + string.Join(", ", parts) + ")";
    }

    /// <summary>Formats <c>(low, high)</c> pairs (padding) the way Python prints a tuple of tuples: <c>((1, 1), (0, 2))</c>,
    /// <c>((1, 1),)</c>; negative entries print as numbers (<c>(-1, 2)</c>), never as a dynamic size.</summary>
    internal static string FormatPairs(IReadOnlyList<(int Low, int High)> pairs)
    {
        var items = pairs.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({p.Low}, {p.High})")).ToArray();
        return items.Length == 1 ? $"({items[0]},)" : "(" + string.Join(", ", items) + ")";
    }

    private static string Dim(int d) => d < 0 ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
