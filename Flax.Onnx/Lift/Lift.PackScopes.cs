namespace Flax;

public static partial class Lift
{
    /// <summary>The body of <see cref="PackScopes{TOut}"/>: as <see cref="PackedBody{TOut}"/> over every scope's groups
    /// (scope-major: the groups of the first scope, then of the next), with <paramref name="innerRoots"/> giving every
    /// inner scope built together with the first one that <paramref name="scopeFn"/> returned.</summary>
    internal delegate (TOut Output, VariableDict[] OutGroups) PackedScopesBody<TOut>(
        ScopeFactory scopeFn, Func<Scope, VariableDict[]> repack,
        VariableDict[] variableGroups, Dictionary<string, LazyRng>[] rngGroups, Func<Scope, Scope[]> innerRoots);

    /// <summary>
    /// Flax's <c>pack</c> over several scopes (already deduplicated: none contains another): one <see cref="Pack{TOut}"/>
    /// per scope, nested, so each scope groups, lifts and publishes its own collections and PRNG sequences. The factory
    /// the body gets builds one inner scope per scope from its slice of the groups and returns the first; the repack
    /// function invalidates them all and returns their out groups in the same scope-major order.
    /// </summary>
    internal static TOut PackScopes<TOut>(IReadOnlyList<Scope> scopes, Filter[] inFilters, Filter[] outFilters, Filter[] rngFilters,
        PackedScopesBody<TOut> body, string? name = null)
    {
        var packed = new List<(ScopeFactory ScopeFn, Func<Scope, VariableDict[]> Repack, VariableDict[] Groups, Dictionary<string, LazyRng>[] Rngs)>();
        var built = new Dictionary<Scope, Scope[]>(ReferenceEqualityComparer.Instance);

        Scope ScopeFn(VariableDict[] groups, Dictionary<string, LazyRng>[] rngs, Filter mutableFilter, IVariableHook? hook)
        {
            var inner = packed.Select((p, k) => p.ScopeFn(
                groups[(k * inFilters.Length)..((k + 1) * inFilters.Length)],
                rngs[(k * rngFilters.Length)..((k + 1) * rngFilters.Length)], mutableFilter, hook)).ToArray();
            built[inner[0]] = inner;
            return inner[0];
        }

        VariableDict[] Repack(Scope first) => [.. built[first].SelectMany((inner, k) => packed[k].Repack(inner))];

        (TOut, VariableDict[][]) Level(int k)
        {
            if (k == scopes.Count)
            {
                var (output, outGroups) = body(ScopeFn, Repack, [.. packed.SelectMany(p => p.Groups)], [.. packed.SelectMany(p => p.Rngs)],
                    first => built[first]);
                return (output, [.. packed.Select((_, j) => outGroups[(j * outFilters.Length)..((j + 1) * outFilters.Length)])]);
            }
            VariableDict[][] perScope = [];
            var y = Pack(scopes[k], inFilters, outFilters, rngFilters, (scopeFn, repack, groups, rngGroups) =>
            {
                packed.Add((scopeFn, repack, groups, rngGroups));
                (var output, perScope) = Level(k + 1);
                return (output, perScope[k]);
            }, name);
            return (y, perScope);
        }

        return Level(0).Item1;
    }
}
