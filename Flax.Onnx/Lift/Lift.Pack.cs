namespace Flax;

/// <summary>
/// Flax's lifted transformations (<c>flax.core.lift</c>): functions that run a scope function on a view of a scope's
/// variables and PRNG sequences and publish what it changed: <see cref="MapVariables{T1, TOut}"/>,
/// <see cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, int?}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>
/// and the <c>pack</c> bookkeeping under them.
/// </summary>
public static partial class Lift
{
    /// <summary>
    /// The body of a packed transformation (the <c>fn</c> of Flax's <c>pack</c>): given the scope factory, the repack
    /// function, the variable groups (one per in-filter) and the PRNG groups (one per rng filter), it returns the output
    /// and the variable groups to publish (one per out-filter).
    /// </summary>
    internal delegate (TOut Output, VariableDict[] OutGroups) PackedBody<TOut>(
        ScopeFactory scopeFn, Func<Scope, VariableDict[]> repack,
        VariableDict[] variableGroups, Dictionary<string, LazyRng>[] rngGroups);

    /// <summary>
    /// Pack's <c>scope_fn</c>: the inner root scope over the given variable and PRNG groups, mutable within
    /// <paramref name="mutableFilter"/>; <paramref name="hook"/> replaces the outer scope's hook (a transform that traces
    /// its body on its own passes the hook of that trace).
    /// </summary>
    internal delegate Scope ScopeFactory(VariableDict[] variableGroups, Dictionary<string, LazyRng>[] rngGroups,
        Filter mutableFilter, IVariableHook? hook = null);

    /// <summary>
    /// Flax's <c>pack</c> for one scope: groups snapshots of the scope's collections by <paramref name="inFilters"/> and
    /// its PRNG sequences by <paramref name="rngFilters"/>, runs
    /// <paramref name="body"/>, and writes the collections it returns into the scope with
    /// <see cref="Scope.PutVariable"/> where the scope may mutate them. Inner scopes are new roots that keep the outer
    /// name, path and flags and share its PRNG counters; they may mutate the union of <paramref name="outFilters"/>
    /// within the outer scope's mutability, so every collection they change belongs to an out group (Flax's
    /// <c>unmapped output variables</c> check cannot fail here). A transform <paramref name="name"/> (<c>vmap</c>) shows in
    /// the inner scopes' error paths (<c>/vmap(dense)</c>).
    /// </summary>
    internal static TOut Pack<TOut>(Scope scope, Filter[] inFilters, Filter[] outFilters, Filter[] rngFilters, PackedBody<TOut> body,
        string? name = null)
    {
        var groups = Filters.GroupCollections(scope.Variables(), inFilters);
        var rngGroups = GroupRngs(scope.LazyRngs, rngFilters);
        var outMutable = outFilters.Aggregate(Filter.Nothing, Filter.Union);

        Scope ScopeFn(VariableDict[] variableGroups, Dictionary<string, LazyRng>[] rngs, Filter mutableFilter, IVariableHook? hook)
        {
            var variables = new OrderedDictionary<string, object>();
            foreach (var (collection, tree) in variableGroups.SelectMany(g => g)) variables[collection] = tree;
            var mutable = Filter.Intersect(Filter.Intersect(scope.Mutable, outMutable), mutableFilter);
            return scope.Lifted(variables, rngs.SelectMany(g => g).ToDictionary(), mutable, name, hook);
        }

        VariableDict[] Repack(Scope inner)
        {
            inner.Invalidate();
            return Filters.GroupCollections(inner.MutableVariables(), outFilters);
        }

        var (output, outGroups) = body(ScopeFn, Repack, groups, rngGroups);
        foreach (var (collection, tree) in outGroups.SelectMany(g => g))
        {
            if (!scope.IsMutableCollection(collection)) continue;
            foreach (var (key, value) in (IReadOnlyDictionary<string, object>)tree) scope.PutVariable(collection, key, value);
        }
        return output;
    }

    /// <summary>Flax's <c>group_collections</c> over PRNG sequences: each goes to the first filter matching its name.</summary>
    private static Dictionary<string, LazyRng>[] GroupRngs(IReadOnlyDictionary<string, LazyRng> rngs, Filter[] filters)
    {
        var remaining = rngs.Keys.ToList();
        return [.. filters.Select(filter =>
        {
            var group = remaining.Where(filter.Contains).ToDictionary(name => name, name => rngs[name]);
            remaining.RemoveAll(filter.Contains);
            return group;
        })];
    }
}
