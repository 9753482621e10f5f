namespace Flax.Tests.Nn;

/// <summary>Flax's <c>tree_map(jnp.shape, variables[collection])</c> as flat paths, and parameter counts.</summary>
internal static class ShapeTree
{
    /// <summary>Each leaf of <paramref name="collection"/> as <c>"path/name" -> "(2, 3)"</c>, sorted by path.</summary>
    public static SortedDictionary<string, string> Of(VariableDict variables, string collection = "params") =>
        new(variables.Flatten().Where(l => l.Key.StartsWith(collection + "/", StringComparison.Ordinal))
            .ToDictionary(l => l.Key[(collection.Length + 1)..], l => Shapes.Format(((NDArray)l.Value).Shape)), StringComparer.Ordinal);

    /// <summary>The number of scalars in <paramref name="collection"/>.</summary>
    public static long Count(VariableDict variables, string collection = "params") =>
        variables.Flatten().Where(l => l.Key.StartsWith(collection + "/", StringComparison.Ordinal)).Sum(l => ((NDArray)l.Value).Size);

    /// <summary>Asserts the shape tree equals <paramref name="expected"/> (<c>"path" -> "(2, 3)"</c> pairs).</summary>
    public static void AssertEqual(VariableDict variables, params (string Path, string Shape)[] expected) =>
        AssertEqual(variables, "params", expected);

    /// <summary>Asserts the shape tree of <paramref name="collection"/> equals <paramref name="expected"/>.</summary>
    public static void AssertEqual(VariableDict variables, string collection, params (string Path, string Shape)[] expected)
    {
        var actual = Of(variables, collection);
        var wanted = new SortedDictionary<string, string>(expected.ToDictionary(e => e.Path, e => e.Shape), StringComparer.Ordinal);
        Assert.AreEqual(Describe(wanted), Describe(actual));
    }

    private static string Describe(SortedDictionary<string, string> tree) => string.Join("\n", tree.Select(kv => $"{kv.Key}: {kv.Value}"));
}
