using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// A filter over collection names or PRNG sequence names, Flax's <c>CollectionFilter</c> / <c>PRNGSequenceFilter</c>:
/// <see cref="All"/> (<c>True</c>), <see cref="Nothing"/> (<c>False</c>), one exact name (a <c>str</c>), a set of names
/// (a collection of <c>str</c>) or <see cref="Deny(Filter)"/> (<c>DenyList</c>). Filters are immutable and compare by
/// value: a set equals a set with the same names in any order, but a name, a one-name set and <see cref="Nothing"/>
/// versus the empty set stay distinct, as in Flax.
/// </summary>
/// <remarks>
/// Strings, booleans and string arrays convert implicitly, so <c>mutable: "batch_stats"</c>, <c>mutable: true</c> and
/// <c>mutable: new[] { "a", "b" }</c> read like Flax. A string filter is an exact match, never a prefix or pattern.
/// </remarks>
public abstract class Filter : IEquatable<Filter>
{
    private Filter() { }

    /// <summary>Matches every name (Flax's <c>True</c>).</summary>
    public static Filter All { get; } = new AllFilter();

    /// <summary>Matches no name (Flax's <c>False</c>).</summary>
    public static Filter Nothing { get; } = new NothingFilter();

    /// <summary>A filter matching exactly <paramref name="name"/> (Flax's <c>str</c> filter).</summary>
    /// <param name="name">The name to match.</param>
    /// <exception cref="InvalidFilterException"><paramref name="name"/> is null.</exception>
    public static Filter Named(string name) => name is null ? throw new InvalidFilterException(null) : new NameFilter(name);

    /// <summary>A filter matching any of <paramref name="names"/> (Flax's collection-of-<c>str</c> filter).</summary>
    /// <param name="names">The names to match; duplicates are ignored and order does not matter.</param>
    /// <exception cref="InvalidFilterException"><paramref name="names"/> or one of its names is null.</exception>
    public static Filter Of(params IEnumerable<string> names)
    {
        if (names is null) throw new InvalidFilterException(null);
        var set = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var name in names) set.Add(name ?? throw new InvalidFilterException(null));
        return new SetFilter(set.ToImmutable());
    }

    /// <summary>
    /// Matches every name that <paramref name="deny"/> does not match (Flax's <c>DenyList(deny)</c>).
    /// <c>Deny(Nothing)</c> matches everything and <c>Deny(All)</c> matches nothing.
    /// </summary>
    /// <param name="deny">The names to exclude.</param>
    /// <exception cref="InvalidFilterException"><paramref name="deny"/> is null.</exception>
    public static Filter Deny(Filter deny) => new DenyFilter(deny ?? throw new InvalidFilterException(null));

    /// <summary>Converts a name to an exact-match filter, Flax's <c>str</c> filter (see <see cref="Named"/>).</summary>
    /// <param name="name">The name to match.</param>
    /// <exception cref="InvalidFilterException"><paramref name="name"/> is null.</exception>
    public static implicit operator Filter(string name) => Named(name);

    /// <summary>Converts <c>true</c> to <see cref="All"/> and <c>false</c> to <see cref="Nothing"/>.</summary>
    /// <param name="all">Whether the filter matches every name.</param>
    public static implicit operator Filter(bool all) => all ? All : Nothing;

    /// <summary>Converts names to a set filter, Flax's collection-of-names filter (see <see cref="Of"/>).</summary>
    /// <param name="names">The names to match.</param>
    /// <exception cref="InvalidFilterException"><paramref name="names"/> or one of its names is null.</exception>
    public static implicit operator Filter(string[] names) => Of(names);

    /// <summary>Whether the filter matches <paramref name="name"/> (Flax's <c>in_filter(filter, name)</c>).</summary>
    /// <param name="name">A collection or sequence name; null matches only <see cref="All"/> and deny filters that do not match it.</param>
    public abstract bool Contains(string? name);

    /// <summary>Whether the filter matches no name at all (Flax's <c>is_filter_empty</c>); a name filter is never empty.</summary>
    public abstract bool IsEmpty { get; }

    /// <summary>The finite set of names the filter matches (Flax's <c>filter_to_set</c>).</summary>
    /// <returns>The names; empty for <see cref="Nothing"/>.</returns>
    /// <exception cref="InvalidOperationException">The filter is <see cref="All"/> or a deny filter, which match unboundedly many names.</exception>
    public ImmutableSortedSet<string> ToSet() => this switch
    {
        NothingFilter => ImmutableSortedSet.Create<string>(StringComparer.Ordinal),
        NameFilter n => ImmutableSortedSet.Create(StringComparer.Ordinal, n.Name),
        SetFilter s => s.Names,
        _ => throw new InvalidOperationException($"Infinite set: the filter {this} matches unboundedly many names."),
    };

    /// <summary>
    /// The filter matching what <paramref name="a"/> or <paramref name="b"/> matches (Flax's <c>union_filters</c>,
    /// with its exact step order: a finite union is a set, so <c>Union(Nothing, Nothing)</c> is the empty set).
    /// </summary>
    /// <param name="a">The first filter.</param>
    /// <param name="b">The second filter.</param>
    /// <exception cref="InvalidFilterException">A filter is null.</exception>
    public static Filter Union(Filter a, Filter b)
    {
        CheckNotNull(a, b);
        if (a is AllFilter || b is AllFilter) return All;
        if (a is DenyFilter da && b is DenyFilter db) return Deny(Intersect(da.Denied, db.Denied));
        if (b is DenyFilter) (a, b) = (b, a);
        if (a is DenyFilter d) return Deny(Subtract(d.Denied, b));
        return new SetFilter(a.ToSet().Union(b.ToSet()));
    }

    /// <summary>
    /// The filter matching what both <paramref name="a"/> and <paramref name="b"/> match (Flax's <c>intersect_filters</c>,
    /// with its exact step order: intersecting with <see cref="All"/> returns the other filter unchanged).
    /// </summary>
    /// <param name="a">The first filter.</param>
    /// <param name="b">The second filter.</param>
    /// <exception cref="InvalidFilterException">A filter is null.</exception>
    public static Filter Intersect(Filter a, Filter b)
    {
        CheckNotNull(a, b);
        if (a is AllFilter) return b;
        if (b is AllFilter) return a;
        if (a is DenyFilter da && b is DenyFilter db) return Deny(Union(db.Denied, da.Denied));
        if (b is DenyFilter) (a, b) = (b, a);
        if (a is DenyFilter d) return Subtract(b, d.Denied);
        return new SetFilter(a.ToSet().Intersect(b.ToSet()));
    }

    /// <summary>
    /// The filter matching what <paramref name="a"/> matches and <paramref name="b"/> does not (Flax's
    /// <c>subtract_filters</c>, with its exact step order: <c>Subtract(All, Nothing)</c> is <c>Deny(Nothing)</c>).
    /// </summary>
    /// <param name="a">The filter to subtract from.</param>
    /// <param name="b">The filter to subtract.</param>
    /// <exception cref="InvalidFilterException">A filter is null.</exception>
    public static Filter Subtract(Filter a, Filter b)
    {
        CheckNotNull(a, b);
        if (b is AllFilter) return Nothing;
        if (a is AllFilter) return Deny(b);
        if (a is DenyFilter da && b is DenyFilter db) return Subtract(db.Denied, da.Denied);
        if (a is DenyFilter d) return Deny(Union(d.Denied, b));
        if (b is DenyFilter e) return Intersect(a, e.Denied);
        return new SetFilter(a.ToSet().Except(b.ToSet()));
    }

    /// <inheritdoc/>
    public abstract bool Equals(Filter? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Filter);

    /// <inheritdoc/>
    public abstract override int GetHashCode();

    /// <summary>Prints the filter as C# source: <c>Filter.All</c>, <c>"a"</c>, <c>{"a", "b"}</c>, <c>Filter.Deny("a")</c>.</summary>
    public abstract override string ToString();

    private static void CheckNotNull(Filter a, Filter b)
    {
        if (a is null || b is null) throw new InvalidFilterException(null);
    }

    private sealed class AllFilter : Filter
    {
        public override bool Contains(string? name) => true;
        public override bool IsEmpty => false;
        public override bool Equals(Filter? other) => other is AllFilter;
        public override int GetHashCode() => 1;
        public override string ToString() => "Filter.All";
    }

    private sealed class NothingFilter : Filter
    {
        public override bool Contains(string? name) => false;
        public override bool IsEmpty => true;
        public override bool Equals(Filter? other) => other is NothingFilter;
        public override int GetHashCode() => 2;
        public override string ToString() => "Filter.Nothing";
    }

    private sealed class NameFilter(string value) : Filter
    {
        public string Name { get; } = value;
        public override bool Contains(string? name) => name == Name;
        public override bool IsEmpty => false;
        public override bool Equals(Filter? other) => other is NameFilter n && n.Name == Name;
        public override int GetHashCode() => HashCode.Combine(3, Name);
        public override string ToString() => $"\"{Name}\"";
    }

    private sealed class SetFilter(ImmutableSortedSet<string> names) : Filter
    {
        public ImmutableSortedSet<string> Names { get; } = names;
        public override bool Contains(string? name) => name is not null && Names.Contains(name);
        public override bool IsEmpty => Names.IsEmpty;
        public override bool Equals(Filter? other) => other is SetFilter s && s.Names.SetEquals(Names);
        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(4);
            foreach (var name in Names) h.Add(name);
            return h.ToHashCode();
        }
        public override string ToString() => "{" + string.Join(", ", Names.Select(n => $"\"{n}\"")) + "}";
    }

    private sealed class DenyFilter(Filter denied) : Filter
    {
        public Filter Denied { get; } = denied;
        public override bool Contains(string? name) => !Denied.Contains(name);
        public override bool IsEmpty => Denied.Contains("__flax_internal_stub__");
        public override bool Equals(Filter? other) => other is DenyFilter d && d.Denied.Equals(Denied);
        public override int GetHashCode() => HashCode.Combine(5, Denied);
        public override string ToString() => $"Filter.Deny({Denied})";
    }
}
