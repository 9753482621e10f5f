namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Makes an initializer from a scope function (Flax's <c>init(fn)</c>): each call runs <paramref name="fn"/> on an
    /// empty root scope with flag <c>initializing</c> set, creating every variable it declares, and returns the output
    /// and the created variables. With the same keys the values equal Flax's.
    /// </summary>
    /// <typeparam name="TOut">The model's output.</typeparam>
    /// <param name="fn">The model.</param>
    /// <param name="mutable">The collections to create; default all. Unlike Flax, <c>mutable: false</c> still returns a (empty) dictionary.</param>
    /// <param name="flags">Read-only flags for the model (<c>initializing</c> is added).</param>
    /// <returns>A function of the PRNG keys (a single key means <c>{"params": key}</c>) returning the output and the variables.</returns>
    public static Func<Rngs, (TOut Output, VariableDict Variables)> Init<TOut>(Func<Scope, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return rngs => InitCore(fn, rngs, mutable, flags, null);
    }

    /// <inheritdoc cref="Init{TOut}(Func{Scope, TOut}, Filter?, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's input.</typeparam>
    /// <typeparam name="TOut">The model's output.</typeparam>
    public static Func<Rngs, T1, (TOut Output, VariableDict Variables)> Init<T1, TOut>(Func<Scope, T1, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (rngs, x1) => InitCore(root => fn(root, x1), rngs, mutable, flags, null);
    }

    /// <inheritdoc cref="Init{TOut}(Func{Scope, TOut}, Filter?, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's first input.</typeparam>
    /// <typeparam name="T2">The model's second input.</typeparam>
    /// <typeparam name="TOut">The model's output.</typeparam>
    public static Func<Rngs, T1, T2, (TOut Output, VariableDict Variables)> Init<T1, T2, TOut>(Func<Scope, T1, T2, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (rngs, x1, x2) => InitCore(root => fn(root, x1, x2), rngs, mutable, flags, null);
    }

    /// <summary>
    /// Makes an initializer that returns only the variables (Flax's <c>lazy_init(fn)</c>). Inputs may be given as a
    /// <see cref="TensorSpec"/> (shape only) when the model needs only their shapes to create its variables.
    /// </summary>
    /// <typeparam name="TOut">The model's output (discarded).</typeparam>
    /// <param name="fn">The model.</param>
    /// <param name="mutable">The collections to create; default all.</param>
    /// <param name="flags">Read-only flags for the model (<c>initializing</c> is added).</param>
    /// <returns>A function of the PRNG keys returning the variables; it throws <see cref="LazyInitException"/> when a
    /// variable would hold an input given only as a <see cref="TensorSpec"/>.</returns>
    public static Func<Rngs, VariableDict> LazyInit<TOut>(Func<Scope, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return rngs => LazyInitCore(fn, rngs, mutable, flags, null);
    }

    /// <inheritdoc cref="LazyInit{TOut}(Func{Scope, TOut}, Filter?, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's input.</typeparam>
    /// <typeparam name="TOut">The model's output (discarded).</typeparam>
    public static Func<Rngs, T1, VariableDict> LazyInit<T1, TOut>(Func<Scope, T1, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (rngs, x1) => LazyInitCore(root => fn(root, x1), rngs, mutable, flags, null);
    }

    /// <inheritdoc cref="LazyInit{TOut}(Func{Scope, TOut}, Filter?, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's first input.</typeparam>
    /// <typeparam name="T2">The model's second input.</typeparam>
    /// <typeparam name="TOut">The model's output (discarded).</typeparam>
    public static Func<Rngs, T1, T2, VariableDict> LazyInit<T1, T2, TOut>(Func<Scope, T1, T2, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (rngs, x1, x2) => LazyInitCore(root => fn(root, x1, x2), rngs, mutable, flags, null);
    }
}
