namespace Flax;

/// <summary>
/// Flax's <c>_dedup_scopes</c> / <c>_dup_scopes</c> for a tuple of scopes handed to a lifted transform: a scope that
/// descends from another scope of the tuple is lifted through that ancestor and re-created inside with
/// <c>push(name, reuse=True)</c>, so the inner scopes alias as the outer ones do (<c>a.Parent</c> is the inner
/// <c>scope</c>). Here the tuple must dedup to one scope, which <c>pack</c> then lifts.
/// </summary>
internal static class ScopeTuple
{
    /// <summary>The scope of <paramref name="scopes"/> that the others descend from (by identity, as in Flax), and each
    /// scope's path of names below it.</summary>
    /// <exception cref="ArgumentException">The tuple is empty, or no scope of it contains all the others.</exception>
    internal static (Scope Root, string[][] Paths) Dedup(IReadOnlyList<Scope> scopes)
    {
        if (scopes.Count == 0) throw new ArgumentException("A lifted transform needs at least one scope.", nameof(scopes));
        foreach (var candidate in scopes)
        {
            var paths = scopes.Select(s => PathBelow(candidate, s)).ToArray();
            if (paths.All(p => p is not null)) return (candidate, [.. paths.Select(p => p!)]);
        }
        throw new ArgumentException($"Lifting several scopes needs one of them to contain the others (Flax lifts each outermost scope separately; here only one may be outermost), got {string.Join(", ", scopes.Select(s => s.PathText))}.", nameof(scopes));
    }

    /// <summary>The inner scopes: the inner root pushed down each path again with <c>reuse</c>.</summary>
    internal static Scope[] Dup(Scope innerRoot, string[][] paths) =>
        [.. paths.Select(path => path.Aggregate(innerRoot, (scope, name) => scope.Push(name, reuse: true)))];

    /// <summary>The names from <paramref name="ancestor"/> down to <paramref name="scope"/>, or null when it is not an
    /// ancestor (or the scope itself).</summary>
    private static string[]? PathBelow(Scope ancestor, Scope scope)
    {
        var names = new List<string>();
        for (var s = scope; s is not null; s = s.Parent)
        {
            if (ReferenceEquals(s, ancestor)) return [.. Enumerable.Reverse(names)];
            names.Add(s.Name!);
        }
        return null;
    }
}
