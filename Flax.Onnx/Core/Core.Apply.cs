namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Makes a model function of variables from a scope function (Flax's <c>apply(fn)</c> with <c>mutable=False</c>):
    /// each call binds a root scope over the variables (all immutable), runs <paramref name="fn"/>, invalidates the
    /// root and returns the output. The model's inputs are values it closes over; a model over tensors takes the traced
    /// overload, <c>Core.Apply(Mlp)(variables, x)</c>.
    /// </summary>
    /// <typeparam name="TOut">The model's output.</typeparam>
    /// <param name="fn">The model.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <returns>The model as a function of variables; it throws <see cref="ApplyScopeInvalidVariablesStructureException"/>
    /// or <see cref="ApplyScopeInvalidVariablesTypeException"/> for malformed variables, and whatever the model throws.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="TOut"/> holds tensors (see <see cref="RequireValues{TOut}"/>).</exception>
    public static ApplyFunction<TOut> Apply<TOut>(Func<Scope, TOut> fn, IReadOnlyDictionary<string, object>? flags = null)
    {
        RequireValues(fn, nameof(Apply));
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
    /// <exception cref="ArgumentException"><typeparamref name="TOut"/> holds tensors (see <see cref="RequireValues{TOut}"/>).</exception>
    public static ApplyFunction<(TOut Output, VariableDict Mutated)> Apply<TOut>(Func<Scope, TOut> fn, Filter mutable, IReadOnlyDictionary<string, object>? flags = null)
    {
        RequireValues(fn, nameof(Apply));
        if (mutable is null) throw new InvalidFilterException(null);
        return (variables, rngs) => Mutated(ApplyCore(fn, variables, rngs, mutable, flags, null));
    }

    /// <summary>
    /// Refuses a model on plain values whose result holds tensors (<c>Func&lt;Scope, Tensor&gt;</c>, a tuple or an array
    /// of them): tensors exist only while a traced model runs, so such a model must be written over its input tensors.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="fn"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TOut"/> holds tensors.</exception>
    private static void RequireValues<TOut>(Func<Scope, TOut> fn, string entry)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (HoldsTensors(typeof(TOut)))
            throw new ArgumentException($"Core.{entry} got a model of the scope alone returning {typeof(TOut).Name}: a model over tensors is traced " +
                $"from its input tensors. Write it as Tensor Model(Scope scope, Tensor x) (or with two inputs) and call Core.{entry}(Model); " +
                "a model on plain values returns no tensors.", nameof(fn));

        static bool HoldsTensors(Type type) => type == typeof(Tensor) || type.IsArray && HoldsTensors(type.GetElementType()!)
            || type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && type.GetGenericArguments().Any(HoldsTensors);
    }

    private static (T Output, VariableDict Mutated) Mutated<T>((T Output, VariableDict? Mutated) result) => (result.Output, result.Mutated!);
}
