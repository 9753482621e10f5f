namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.jit</c>: runs <paramref name="fn"/> on the lifted view of the scope (<paramref name="variables"/>
    /// and <paramref name="rngs"/>) with Flax's PRNG semantics: the sequences lose the path suffix accumulated outside
    /// (<c>clear_suffix</c>), so keys drawn inside are Flax's. On tensors inside a trace the body is traced once per
    /// signature (the scope's mutable collections, the input's type, the variables' structure and types and the PRNG
    /// keys) and the recorded program is replayed on later calls, with the PRNG counter changes of the first trace
    /// replayed as Flax does; on other values it runs at every call.
    /// </summary>
    /// <typeparam name="T1">The function's input.</typeparam>
    /// <typeparam name="TOut">The function's output.</typeparam>
    /// <param name="fn">The scope function.</param>
    /// <param name="variables">The collections it sees and may change (default all).</param>
    /// <param name="rngs">The PRNG sequences it sees (default all).</param>
    /// <returns>The transformed function; inside, error paths read <c>/jit(name)</c>.</returns>
    public static Func<Scope, T1, TOut> Jit<T1, TOut>(Func<Scope, T1, TOut> fn, Filter? variables = null, Filter? rngs = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var cache = new JitCache();
        return (scope, x) => x is Tensor tensor && typeof(TOut) == typeof(Tensor)
            ? (TOut)(object)cache.Call(scope, tensor, (s, h) => (Tensor)(object)fn(s, (T1)(object)h)!, variables ?? Filter.All, rngs ?? Filter.All)
            : Lifted(scope, "jit", variables, rngs, clearSuffix: true, inner => fn(inner, x));
    }

    /// <summary>
    /// Flax's <c>lift.fold_rngs</c>: like <see cref="Jit{T1, TOut}"/> without compiling: the PRNG sequences lose their
    /// path suffix inside.
    /// </summary>
    /// <inheritdoc cref="Jit{T1, TOut}"/>
    public static Func<Scope, T1, TOut> FoldRngs<T1, TOut>(Func<Scope, T1, TOut> fn, Filter? variables = null, Filter? rngs = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (scope, x) => Lifted(scope, "fold_rngs", variables, rngs, clearSuffix: true, inner => fn(inner, x));
    }

    /// <summary>
    /// Flax's <c>lift.remat</c> (<c>checkpoint</c>): recomputation in the backward pass is a memory policy of JAX's
    /// compiler; the traced graph here is the same either way, so this runs <paramref name="fn"/> on the lifted view of
    /// the scope (keys as outside, suffix kept).
    /// </summary>
    /// <inheritdoc cref="Jit{T1, TOut}"/>
    /// <returns>The transformed function; inside, error paths read <c>/remat(name)</c>.</returns>
    public static Func<Scope, T1, TOut> Remat<T1, TOut>(Func<Scope, T1, TOut> fn, Filter? variables = null, Filter? rngs = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (scope, x) => Lifted(scope, "remat", variables, rngs, clearSuffix: false, inner => fn(inner, x));
    }

    /// <summary>Flax's <c>lift.checkpoint</c>, the same as <see cref="Remat{T1, TOut}"/>.</summary>
    /// <inheritdoc cref="Remat{T1, TOut}"/>
    public static Func<Scope, T1, TOut> Checkpoint<T1, TOut>(Func<Scope, T1, TOut> fn, Filter? variables = null, Filter? rngs = null) =>
        Remat(fn, variables, rngs);

    /// <summary>
    /// Flax's <c>lift.remat_scan</c>: <paramref name="body"/> applied <c>prod(lengths)</c> times to a carry, as nested
    /// scans (one per entry of <paramref name="lengths"/>, the inner ones under <see cref="Remat{T1, TOut}"/>), so
    /// variables get leading axes <paramref name="lengths"/>, e.g. kernels <c>(10, 5, 3, 3, 8, 8)</c>.
    /// </summary>
    /// <param name="body">The body <c>(scope, carry) -> carry</c>.</param>
    /// <param name="lengths">The nested scan lengths, outermost first.</param>
    /// <param name="variableAxes">The scanned collections (default all, on axis 0).</param>
    /// <param name="variableBroadcast">The broadcast collections (default none).</param>
    /// <param name="variableCarry">The carried collections (default none).</param>
    /// <param name="splitRngs">The PRNG sequences split per step (default all).</param>
    /// <returns>The function <c>(scope, carry) -> carry</c>.</returns>
    public static Func<Scope, Tensor, Tensor> RematScan(Func<Scope, Tensor, Tensor> body, int[] lengths,
        IReadOnlyDictionary<Filter, int>? variableAxes = null, Filter? variableBroadcast = null, Filter? variableCarry = null,
        IReadOnlyDictionary<Filter, bool>? splitRngs = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Length == 0) throw new ArgumentException("remat_scan needs at least one length.", nameof(lengths));
        variableAxes ??= new Dictionary<Filter, int> { [Filter.All] = 0 };
        splitRngs ??= new Dictionary<Filter, bool> { [Filter.All] = true };
        var step = lengths.Length == 1 ? body
            : Remat(RematScan(body, lengths[1..], variableAxes, variableBroadcast, variableCarry, splitRngs));
        var scan = Scanner(variableAxes, variableBroadcast, variableCarry, splitRngs, 0, lengths[0], reverse: false);
        return (scope, carry) => scan(scope, [carry], [], [], (s, c, _) => ([step(s, c[0])], [])).Carry[0];
    }

    /// <summary>The body of the transforms that run their function once on the lifted view of the scope.</summary>
    private static TOut Lifted<TOut>(Scope scope, string name, Filter? variables, Filter? rngs, bool clearSuffix, Func<Scope, TOut> run)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Filter[] filters = [variables ?? Filter.All];
        return Pack(scope, filters, filters, [rngs ?? Filter.All], (scopeFn, repack, groups, rngGroups) =>
        {
            if (clearSuffix)
                rngGroups = [.. rngGroups.Select(g => g.ToDictionary(kv => kv.Key, kv => kv.Value.ClearSuffix()))];
            var inner = scopeFn(groups, rngGroups, Filter.All);
            var y = run(inner);
            return (y, repack(inner));
        }, name);
    }
}
