namespace Flax;

/// <summary>Operations that apply <see cref="Filter"/>s to variable collections.</summary>
public static class Filters
{
    /// <summary>
    /// Splits the collections of <paramref name="xs"/> into one group per filter (Flax's <c>group_collections</c>):
    /// each collection goes to the first filter that matches it, and collections no filter matches are dropped.
    /// </summary>
    /// <param name="xs">The collections, e.g. a model's variables.</param>
    /// <param name="filters">The filters, in priority order.</param>
    /// <returns>Exactly one dictionary per filter (possibly empty), each in the key order of <paramref name="xs"/>.</returns>
    /// <exception cref="InvalidFilterException">A filter is null.</exception>
    public static VariableDict[] GroupCollections(VariableDict xs, params IReadOnlyList<Filter> filters)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(filters);
        var groups = new VariableDict[filters.Count];
        var remaining = xs.Keys.ToList();
        for (int i = 0; i < filters.Count; i++)
        {
            var filter = filters[i] ?? throw new InvalidFilterException(null);
            var group = remaining.Where(filter.Contains).ToList();
            groups[i] = new VariableDict(group.Select(col => KeyValuePair.Create(col, xs[col])));
            remaining.RemoveAll(filter.Contains);
        }
        return groups;
    }
}
