namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Makes a model function of variables from a scope function (Flax's <c>apply(fn)</c> with <c>mutable=False</c>):
    /// each call binds a root scope over the variables (all immutable), runs <paramref name="fn"/>, invalidates the
    /// root and returns the output.
    /// </summary>
    /// <typeparam name="TOut">The model's output.</typeparam>
    /// <param name="fn">The model.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <returns>The model as a function of variables; it throws <see cref="ApplyScopeInvalidVariablesStructureException"/>
    /// or <see cref="ApplyScopeInvalidVariablesTypeException"/> for malformed variables, and whatever the model throws.</returns>
    public static ApplyFunction<TOut> Apply<TOut>(Func<Scope, TOut> fn, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (variables, rngs) => ApplyCore(fn, variables, rngs, null, flags, null).Output;
    }

    /// <summary>
    /// Makes a model function of variables that may change collections (Flax's <c>apply(fn, mutable=...)</c>): each
    /// call returns the output and a snapshot of every collection <paramref name="mutable"/> matches, changed or not.
    /// Unlike Flax, <c>mutable: false</c> here still returns the (empty) collections; omit it to get the output alone.
    /// </summary>
    /// <typeparam name="TOut">The model's output.</typeparam>
    /// <param name="fn">The model.</param>
    /// <param name="mutable">The collections the model may change, e.g. <c>"batch_stats"</c>.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <returns>The model as a function of variables returning its output and the mutable collections.</returns>
    public static ApplyFunction<(TOut Output, VariableDict Mutated)> Apply<TOut>(Func<Scope, TOut> fn, Filter mutable, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (mutable is null) throw new InvalidFilterException(null);
        return (variables, rngs) => Mutated(ApplyCore(fn, variables, rngs, mutable, flags, null));
    }

    /// <inheritdoc cref="Apply{TOut}(Func{Scope, TOut}, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's input.</typeparam>
    /// <typeparam name="TOut">The model's output.</typeparam>
    public static ApplyFunction<T1, TOut> Apply<T1, TOut>(Func<Scope, T1, TOut> fn, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (variables, x1, rngs) => ApplyCore(root => fn(root, x1), variables, rngs, null, flags, null).Output;
    }

    /// <inheritdoc cref="Apply{TOut}(Func{Scope, TOut}, Filter, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's input.</typeparam>
    /// <typeparam name="TOut">The model's output.</typeparam>
    public static ApplyFunction<T1, (TOut Output, VariableDict Mutated)> Apply<T1, TOut>(Func<Scope, T1, TOut> fn, Filter mutable, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (mutable is null) throw new InvalidFilterException(null);
        return (variables, x1, rngs) => Mutated(ApplyCore(root => fn(root, x1), variables, rngs, mutable, flags, null));
    }

    /// <inheritdoc cref="Apply{TOut}(Func{Scope, TOut}, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's first input.</typeparam>
    /// <typeparam name="T2">The model's second input.</typeparam>
    /// <typeparam name="TOut">The model's output.</typeparam>
    public static ApplyFunction<T1, T2, TOut> Apply<T1, T2, TOut>(Func<Scope, T1, T2, TOut> fn, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return (variables, x1, x2, rngs) => ApplyCore(root => fn(root, x1, x2), variables, rngs, null, flags, null).Output;
    }

    /// <inheritdoc cref="Apply{TOut}(Func{Scope, TOut}, Filter, IReadOnlyDictionary{string, object}?)"/>
    /// <typeparam name="T1">The model's first input.</typeparam>
    /// <typeparam name="T2">The model's second input.</typeparam>
    /// <typeparam name="TOut">The model's output.</typeparam>
    public static ApplyFunction<T1, T2, (TOut Output, VariableDict Mutated)> Apply<T1, T2, TOut>(Func<Scope, T1, T2, TOut> fn, Filter mutable, IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (mutable is null) throw new InvalidFilterException(null);
        return (variables, x1, x2, rngs) => Mutated(ApplyCore(root => fn(root, x1, x2), variables, rngs, mutable, flags, null));
    }

    private static (T Output, VariableDict Mutated) Mutated<T>((T Output, VariableDict? Mutated) result) => (result.Output, result.Mutated!);
}
