namespace Flax;

/// <summary>
/// Flax's <c>_dedup_scopes</c> / <c>_dup_scopes</c> for a tuple of scopes handed to a lifted transform: a scope that
/// descends from another scope of the tuple is lifted through its outermost such ancestor and re-created inside with
/// <c>push(name, reuse=True)</c>, so the inner scopes alias as the outer ones do (<c>a.Parent</c> is the inner
/// <c>scope</c>). The outermost scopes, in order of first appearance, are the ones <c>pack</c> lifts.
/// </summary>
internal static class ScopeTuple
{
    /// <summary>The outermost scopes of <paramref name="scopes"/> (ancestry by identity, as in Flax), and for each
    /// scope the index of its outermost scope and its path of names below it.</summary>
    /// <exception cref="ArgumentException">The tuple is empty.</exception>
    internal static (Scope[] Roots, (int Root, string[] Path)[] Paths) Dedup(IReadOnlyList<Scope> scopes)
    {
        if (scopes.Count == 0) throw new ArgumentException("A lifted transform needs at least one scope.", nameof(scopes));
        var roots = new List<Scope>();
        var paths = new (int, string[])[scopes.Count];
        for (int i = 0; i < scopes.Count; i++)
        {
            var (root, names) = (scopes[i], new List<string>());
            var path = Array.Empty<string>();
            for (var s = scopes[i]; s is not null; s = s.Parent)
            {
                if (scopes.Any(t => ReferenceEquals(t, s))) (root, path) = (s, [.. Enumerable.Reverse(names)]);
                names.Add(s.Name!);
            }
            int index = roots.FindIndex(r => ReferenceEquals(r, root));
            if (index < 0) roots.Add(root);
            paths[i] = (index < 0 ? roots.Count - 1 : index, path);
        }
        return ([.. roots], paths);
    }

    /// <summary>The inner scopes: each inner root pushed down each path again with <c>reuse</c>.</summary>
    internal static Scope[] Dup(Scope[] innerRoots, (int Root, string[] Path)[] paths) =>
        [.. paths.Select(p => p.Path.Aggregate(innerRoots[p.Root], (scope, name) => scope.Push(name, reuse: true)))];
}
