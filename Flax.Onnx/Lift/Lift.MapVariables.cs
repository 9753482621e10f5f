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
        var map = Mapper<TOut>(mappedCollections, mapInFn, mapOutFn, init, mutable, rngs, variables);
        return (scope, x1) => map(scope, inner => fn(inner, x1));
    }

    /// <summary><see cref="MapVariables{T1, TOut}"/> for a scope function without inputs.</summary>
    /// <typeparam name="TOut">The function's output.</typeparam>
    /// <param name="fn">The scope function to transform.</param>
    /// <param name="mappedCollections">The collections to map.</param>
    /// <param name="mapInFn">Maps the mapped collections to the function's view (default identity).</param>
    /// <param name="mapOutFn">Maps the updated view back (default identity).</param>
    /// <param name="init">Create the variables before mapping them.</param>
    /// <param name="mutable">Let the function write to the mapped collections.</param>
    /// <param name="rngs">The PRNG sequences the function may use (default all).</param>
    /// <param name="variables">The other collections the function sees (default all).</param>
    /// <returns>The transformed scope function.</returns>
    public static Func<Scope, TOut> MapVariables<TOut>(Func<Scope, TOut> fn, Filter mappedCollections,
        Func<VariableDict, VariableDict>? mapInFn = null, Func<VariableDict, VariableDict>? mapOutFn = null,
        bool init = false, bool mutable = false, Filter? rngs = null, Filter? variables = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var map = Mapper<TOut>(mappedCollections, mapInFn, mapOutFn, init, mutable, rngs, variables);
        return scope => map(scope, fn);
    }

    /// <summary><see cref="MapVariables{T1, TOut}"/> for a scope function of two inputs.</summary>
    /// <typeparam name="T1">The function's first input.</typeparam>
    /// <typeparam name="T2">The function's second input.</typeparam>
    /// <typeparam name="TOut">The function's output.</typeparam>
    /// <param name="fn">The scope function to transform.</param>
    /// <param name="mappedCollections">The collections to map.</param>
    /// <param name="mapInFn">Maps the mapped collections to the function's view (default identity).</param>
    /// <param name="mapOutFn">Maps the updated view back (default identity).</param>
    /// <param name="init">Create the variables before mapping them.</param>
    /// <param name="mutable">Let the function write to the mapped collections.</param>
    /// <param name="rngs">The PRNG sequences the function may use (default all).</param>
    /// <param name="variables">The other collections the function sees (default all).</param>
    /// <returns>The transformed scope function.</returns>
    public static Func<Scope, T1, T2, TOut> MapVariables<T1, T2, TOut>(Func<Scope, T1, T2, TOut> fn, Filter mappedCollections,
        Func<VariableDict, VariableDict>? mapInFn = null, Func<VariableDict, VariableDict>? mapOutFn = null,
        bool init = false, bool mutable = false, Filter? rngs = null, Filter? variables = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var map = Mapper<TOut>(mappedCollections, mapInFn, mapOutFn, init, mutable, rngs, variables);
        return (scope, x1, x2) => map(scope, inner => fn(inner, x1, x2));
    }

    /// <summary>
    /// <see cref="MapVariables{T1, TOut}"/> for a model over one tensor: the overload a method group binds to
    /// (<c>Lift.MapVariables(Model, "params")</c>; C# infers no type argument from a method group's parameters), and the
    /// one typed and untyped lambdas over tensors prefer. Its result is a model <c>Core.Init</c> and <c>Core.Apply</c> take.
    /// </summary>
    /// <param name="fn">The scope function to transform.</param>
    /// <param name="mappedCollections">The collections to map.</param>
    /// <param name="mapInFn">Maps the mapped collections to the function's view (default identity).</param>
    /// <param name="mapOutFn">Maps the updated view back (default identity).</param>
    /// <param name="init">Create the variables before mapping them.</param>
    /// <param name="mutable">Let the function write to the mapped collections.</param>
    /// <param name="rngs">The PRNG sequences the function may use (default all).</param>
    /// <param name="variables">The other collections the function sees (default all).</param>
    /// <returns>The transformed model.</returns>
    public static Func<Scope, Tensor, Tensor> MapVariables(Func<Scope, Tensor, Tensor> fn, Filter mappedCollections,
        Func<VariableDict, VariableDict>? mapInFn = null, Func<VariableDict, VariableDict>? mapOutFn = null,
        bool init = false, bool mutable = false, Filter? rngs = null, Filter? variables = null) =>
        MapVariables<Tensor, Tensor>(fn, mappedCollections, mapInFn, mapOutFn, init, mutable, rngs, variables);

    /// <summary><see cref="MapVariables(Func{Scope, Tensor, Tensor}, Filter, Func{VariableDict, VariableDict}?, Func{VariableDict, VariableDict}?, bool, bool, Filter?, Filter?)"/>
    /// for a model over two tensors.</summary>
    /// <param name="fn">The scope function to transform.</param>
    /// <param name="mappedCollections">The collections to map.</param>
    /// <param name="mapInFn">Maps the mapped collections to the function's view (default identity).</param>
    /// <param name="mapOutFn">Maps the updated view back (default identity).</param>
    /// <param name="init">Create the variables before mapping them.</param>
    /// <param name="mutable">Let the function write to the mapped collections.</param>
    /// <param name="rngs">The PRNG sequences the function may use (default all).</param>
    /// <param name="variables">The other collections the function sees (default all).</param>
    /// <returns>The transformed model.</returns>
    public static Func<Scope, Tensor, Tensor, Tensor> MapVariables(Func<Scope, Tensor, Tensor, Tensor> fn, Filter mappedCollections,
        Func<VariableDict, VariableDict>? mapInFn = null, Func<VariableDict, VariableDict>? mapOutFn = null,
        bool init = false, bool mutable = false, Filter? rngs = null, Filter? variables = null) =>
        MapVariables<Tensor, Tensor, Tensor>(fn, mappedCollections, mapInFn, mapOutFn, init, mutable, rngs, variables);

    /// <summary>The body of <c>map_variables</c>, shared by every arity: runs a scope function in the mapped view.</summary>
    private static Func<Scope, Func<Scope, TOut>, TOut> Mapper<TOut>(Filter mappedCollections,
        Func<VariableDict, VariableDict>? mapInFn, Func<VariableDict, VariableDict>? mapOutFn,
        bool init, bool mutable, Filter? rngs, Filter? variables)
    {
        ArgumentNullException.ThrowIfNull(mappedCollections);
        var mapIn = mapInFn ?? (x => x);
        var mapOut = mapOutFn ?? (x => x);
        var others = variables ?? Filter.All;
        bool targetOut = mutable || init;
        Filter[] inFilters = [mappedCollections, others];
        Filter[] outFilters = targetOut ? inFilters : [Filter.Nothing, Filter.Subtract(others, mappedCollections)];
        var mutableFilter = targetOut ? Filter.All : Filter.Subtract(Filter.All, mappedCollections);

        return (scope, run) => Pack(scope, inFilters, outFilters, [rngs ?? Filter.All], (scopeFn, repack, groups, rngGroups) =>
        {
            var target = groups[0];
            if (init)
            {
                var first = scopeFn([target, groups[1]], rngGroups, Filter.All);
                if (!first.Mutable.IsEmpty)
                {
                    run(first);
                    target = mapOut(repack(first)[0]);
                }
            }
            var inner = scopeFn([mapIn(target), groups[1]], rngGroups, mutableFilter);
            var y = run(inner);
            var outGroups = repack(inner);
            if (targetOut) outGroups[0] = mapOut(outGroups[0]);
            return (y, outGroups);
        });
    }
}
