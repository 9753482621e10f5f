namespace Flax;

/// <summary>
/// Turns scope functions into pure functions of variables and PRNG keys (Flax's <c>flax.core</c> <c>bind</c>,
/// <c>apply</c>, <c>init</c> and <c>lazy_init</c>).
/// </summary>
/// <remarks>
/// The semantics live in <see cref="BindCore"/>, <see cref="ApplyCore{T}"/>, <see cref="InitCore{T}"/> and
/// <see cref="LazyInitCore{T}"/>, which take the model as a body <c>Func&lt;Scope, T&gt;</c> with its inputs already
/// bound. Every public overload (plain values here, tensors in the tracing layer) is a thin wrapper over them, so
/// validation, binding, the <c>initializing</c> flag, invalidation and the mutated-collections rule exist once.
/// </remarks>
public static partial class Core
{
    /// <summary>
    /// A root scope over <paramref name="variables"/> (Flax's <c>bind</c>), for interactive use and tests. Mutable
    /// collections are deep-copied into mutable dictionaries; immutable ones are shared. The scope is never invalidated.
    /// </summary>
    /// <param name="variables">Collection name to collection.</param>
    /// <param name="rngs">PRNG keys; a single key means <c>{"params": key}</c>; none means no sequence.</param>
    /// <param name="mutable">The collections the scope may change; default none.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <returns>The root scope.</returns>
    /// <exception cref="ApplyScopeInvalidVariablesTypeException">A top-level entry of <paramref name="variables"/> is not a dictionary.</exception>
    public static Scope Bind(VariableDict variables, Rngs? rngs = null, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null) =>
        BindCore(variables, rngs, mutable ?? Filter.Nothing, flags, hook: null);

    /// <summary>
    /// Flax's <c>bind</c>: validates the variables (every top-level value is a dictionary), deep-copies the collections
    /// <paramref name="mutable"/> matches into mutable dictionaries, shares the others, and makes the root scope.
    /// </summary>
    /// <param name="variables">Collection name to collection.</param>
    /// <param name="rngs">PRNG keys, or null for none.</param>
    /// <param name="mutable">The collections the scope may change.</param>
    /// <param name="flags">Read-only flags.</param>
    /// <param name="hook">Observes values created by init functions (tracing), or null.</param>
    /// <exception cref="ApplyScopeInvalidVariablesTypeException">A top-level value is not a dictionary.</exception>
    internal static Scope BindCore(VariableDict variables, Rngs? rngs, Filter mutable, IReadOnlyDictionary<string, object>? flags, IVariableHook? hook)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (mutable is null) throw new InvalidFilterException(null);
        var root = new OrderedDictionary<string, object>(variables.Count);
        foreach (var (collection, tree) in variables)
        {
            if (tree is not VariableDict dict) throw new ApplyScopeInvalidVariablesTypeException(collection);
            root.Add(collection, mutable.Contains(collection) ? dict.Unfreeze() : dict);
        }
        return new Scope(root, rngs, mutable, flags, hook);
    }

    /// <summary>
    /// Flax's <c>apply(fn, mutable, flags)(variables, rngs=rngs)</c>: rejects <c>{"params": {"params": ...}}</c>, binds the
    /// root scope, runs <paramref name="body"/> on it, invalidates the root, and returns the output with the mutable
    /// collections (all of them present, changed or not), or with null when <paramref name="mutable"/> is null
    /// (Flax's <c>mutable=False</c>).
    /// </summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="body">The model with its inputs bound.</param>
    /// <param name="variables">The variables.</param>
    /// <param name="rngs">PRNG keys, or null for none.</param>
    /// <param name="mutable">The mutable collections, or null for none and no returned collections.</param>
    /// <param name="flags">Read-only flags.</param>
    /// <param name="hook">Observes values created by init functions (tracing), or null.</param>
    /// <exception cref="ApplyScopeInvalidVariablesStructureException">The variables have an extra <c>params</c> layer.</exception>
    /// <exception cref="ApplyScopeInvalidVariablesTypeException">A top-level value is not a dictionary.</exception>
    internal static (T Output, VariableDict? Mutated) ApplyCore<T>(Func<Scope, T> body, VariableDict variables, Rngs? rngs,
        Filter? mutable, IReadOnlyDictionary<string, object>? flags, IVariableHook? hook)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(variables);
        if (variables.TryGetValue("params", out var parameters) && parameters is VariableDict nested && nested.ContainsKey("params"))
            throw new ApplyScopeInvalidVariablesStructureException();
        var root = BindCore(variables, rngs, mutable ?? Filter.Nothing, flags, hook);
        T output;
        using (root.Temporary()) output = body(root);
        return (output, mutable is null ? null : root.MutableVariables());
    }

    /// <summary>
    /// Flax's <c>init(fn, mutable, flags)(rngs)</c>: <see cref="ApplyCore{T}"/> on no variables, with flag
    /// <c>initializing</c> set and <paramref name="mutable"/> (default every collection) returned.
    /// </summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="body">The model with its inputs bound.</param>
    /// <param name="rngs">PRNG keys.</param>
    /// <param name="mutable">The collections to create, or null for all of them.</param>
    /// <param name="flags">Read-only flags (<c>initializing</c> is added).</param>
    /// <param name="hook">Observes values created by init functions (tracing), or null.</param>
    internal static (T Output, VariableDict Variables) InitCore<T>(Func<Scope, T> body, Rngs rngs, Filter? mutable,
        IReadOnlyDictionary<string, object>? flags, IVariableHook? hook)
    {
        ArgumentNullException.ThrowIfNull(rngs);
        var initFlags = VariableDict.Freeze(flags ?? VariableDict.Empty).Copy([KeyValuePair.Create("initializing", (object)true)]);
        var (output, variables) = ApplyCore(body, VariableDict.Empty, rngs, mutable ?? Filter.All, initFlags, hook);
        return (output, variables!);
    }

    /// <summary>
    /// Flax's <c>lazy_init</c>: <see cref="InitCore{T}"/> returning only the variables, refusing any variable that holds
    /// an abstract input (a <see cref="TensorSpec"/>) because its value would depend on data that was not given.
    /// </summary>
    /// <typeparam name="T">The body's result.</typeparam>
    /// <param name="body">The model with its (possibly abstract) inputs bound.</param>
    /// <param name="rngs">PRNG keys.</param>
    /// <param name="mutable">The collections to create, or null for all of them.</param>
    /// <param name="flags">Read-only flags (<c>initializing</c> is added).</param>
    /// <param name="hook">Observes values created by init functions (tracing), or null.</param>
    /// <exception cref="LazyInitException">A variable holds a <see cref="TensorSpec"/>.</exception>
    internal static VariableDict LazyInitCore<T>(Func<Scope, T> body, Rngs rngs, Filter? mutable,
        IReadOnlyDictionary<string, object>? flags, IVariableHook? hook)
    {
        var (_, variables) = InitCore(body, rngs, mutable, flags, hook);
        var unknown = Trees.Leaves(variables).OfType<TensorSpec>().FirstOrDefault();
        return unknown is null ? variables : throw new LazyInitException(unknown);
    }
}
