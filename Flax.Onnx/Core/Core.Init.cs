namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Makes an initializer from a scope function (Flax's <c>init(fn)</c>): each call runs <paramref name="fn"/> on an
    /// empty root scope with flag <c>initializing</c> set, creating every variable it declares, and returns the output
    /// and the created variables. With the same keys the values equal Flax's. The model's inputs are values it closes
    /// over, as in <c>Core.Init(scope =&gt; Model(scope, x))</c>; a model over tensors (<c>Tensor Mlp(Scope scope, Tensor x)</c>)
    /// takes the traced overload, <c>Core.Init(Mlp)(rngs, x)</c>.
    /// </summary>
    /// <typeparam name="TOut">The model's output.</typeparam>
    /// <param name="fn">The model.</param>
    /// <param name="mutable">The collections to create; default all. Unlike Flax, <c>mutable: false</c> still returns a (empty) dictionary.</param>
    /// <param name="flags">Read-only flags for the model (<c>initializing</c> is added).</param>
    /// <returns>A function of the PRNG keys (a single key means <c>{"params": key}</c>) returning the output and the variables.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="TOut"/> holds tensors (see <see cref="RequireValues{TOut}"/>).</exception>
    public static Func<Rngs, (TOut Output, VariableDict Variables)> Init<TOut>(Func<Scope, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        RequireValues(fn, nameof(Init));
        return rngs => InitCore(fn, rngs, mutable, flags, null);
    }

    /// <summary>
    /// Makes an initializer that returns only the variables (Flax's <c>lazy_init(fn)</c>). The inputs the model closes
    /// over may be a <see cref="TensorSpec"/> (shape only) when it needs only their shapes to create its variables.
    /// </summary>
    /// <typeparam name="TOut">The model's output (discarded).</typeparam>
    /// <param name="fn">The model.</param>
    /// <param name="mutable">The collections to create; default all.</param>
    /// <param name="flags">Read-only flags for the model (<c>initializing</c> is added).</param>
    /// <returns>A function of the PRNG keys returning the variables; it throws <see cref="LazyInitException"/> when a
    /// variable would hold an input given only as a <see cref="TensorSpec"/>.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="TOut"/> holds tensors (see <see cref="RequireValues{TOut}"/>).</exception>
    public static Func<Rngs, VariableDict> LazyInit<TOut>(Func<Scope, TOut> fn, Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        RequireValues(fn, nameof(LazyInit));
        return rngs => LazyInitCore(fn, rngs, mutable, flags, null);
    }
}
