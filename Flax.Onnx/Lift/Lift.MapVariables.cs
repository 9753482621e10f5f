namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.map_variables</c>: wraps a scope function so that it sees the collections matched by
    /// <paramref name="mappedCollections"/> through <paramref name="mapInFn"/> (a view, e.g. transposed or standardised
    /// weights), and so that what it writes to them goes back through <paramref name="mapOutFn"/>. The mapped collections
    /// are immutable inside unless <paramref name="mutable"/> or <paramref name="init"/>; with <paramref name="init"/>
    /// and anything mutable, the function first runs once on the raw variables to create them, and their mapped-out
    /// values are then mapped in for the real run (so during initialisation <paramref name="fn"/> runs twice).
    /// </summary>
    /// <typeparam name="T1">The function's input.</typeparam>
    /// <typeparam name="TOut">The function's output.</typeparam>
    /// <param name="fn">The scope function to transform.</param>
    /// <param name="mappedCollections">The collections to map, e.g. <c>"params"</c>.</param>
    /// <param name="mapInFn">Maps the mapped collections (<c>{collection: subtree}</c> of the scope) to the view the
    /// function sees (default identity).</param>
    /// <param name="mapOutFn">Maps the function's updated view back (default identity).</param>
    /// <param name="init">Create the variables before mapping them (see above).</param>
    /// <param name="mutable">Let the function write to the mapped collections.</param>
    /// <param name="rngs">The PRNG sequences the function may use (default all).</param>
    /// <param name="variables">The other collections the function sees (default all).</param>
    /// <returns>The transformed scope function, which takes the scope it maps first. Inside, writing to a mapped
    /// collection without <paramref name="mutable"/> or <paramref name="init"/> throws
    /// <see cref="ModifyScopeVariableException"/>.</returns>
    public static Func<Scope, T1, TOut> MapVariables<T1, TOut>(Func<Scope, T1, TOut> fn, Filter mappedCollections,
        Func<VariableDict, VariableDict>? mapInFn = null, Func<VariableDict, VariableDict>? mapOutFn = null,
        bool init = false, bool mutable = false, Filter? rngs = null, Filter? variables = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(mappedCollections);
        mapInFn ??= x => x;
        mapOutFn ??= x => x;
        rngs ??= Filter.All;
        variables ??= Filter.All;
        bool targetOut = mutable || init;
        Filter[] inFilters = [mappedCollections, variables];
        Filter[] outFilters = targetOut ? inFilters : [Filter.Nothing, Filter.Subtract(variables, mappedCollections)];

        return (scope, x1) => Pack(scope, inFilters, outFilters, [rngs], (scopeFn, repack, groups, rngGroups) =>
        {
            var (target, others) = (groups[0], groups[1]);
            if (init)
            {
                var first = scopeFn([target, others], rngGroups, Filter.All);
                if (!first.Mutable.IsEmpty)
                {
                    fn(first, x1);
                    target = mapOutFn(repack(first)[0]);
                }
            }
            target = mapInFn(target);
            var inner = scopeFn([target, others], rngGroups, targetOut ? Filter.All : Filter.Subtract(Filter.All, mappedCollections));
            var y = fn(inner, x1);
            var outGroups = repack(inner);
            if (targetOut) outGroups[0] = mapOutFn(outGroups[0]);
            return (y, outGroups);
        });
    }
}
