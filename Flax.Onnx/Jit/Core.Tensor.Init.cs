namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Flax's <c>init(fn)</c> for a traced model: each call runs <paramref name="fn"/> on an empty root scope with flag
    /// <c>initializing</c> set. Parameters are created on the host by their initializers (Flax's values for the same
    /// keys); the output, and any variable the model computes, come from running the traced program on ONNX Runtime.
    /// </summary>
    /// <param name="fn">The model, e.g. <c>Tensor Mlp(Scope scope, Tensor x)</c>.</param>
    /// <param name="mutable">The collections to create; default all.</param>
    /// <param name="flags">Read-only flags for the model (<c>initializing</c> is added).</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/>.</param>
    /// <returns>A function of the PRNG keys (a single key means <c>{"params": key}</c>) and the input, returning the
    /// output and the variables. It throws <see cref="InvalidRngException"/> when a needed PRNG sequence is missing,
    /// <see cref="UntracedOutputException"/> when the model returns null, and <see cref="ArgumentException"/> when
    /// shapes do not fit an operation.</returns>
    public static Func<Rngs, NDArray, (NDArray Output, VariableDict Variables)> Init(Func<Scope, Tensor, Tensor> fn,
        Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var f = ScopeFunction.Of(fn);
        return (rngs, x) => First(InitTraced(f, rngs, [x], mutable, flags, device ?? Device.Auto));
    }

    /// <inheritdoc cref="Init(Func{Scope, Tensor, Tensor}, Filter?, IReadOnlyDictionary{string, object}?, Device?)"/>
    public static Func<Rngs, NDArray, NDArray, (NDArray Output, VariableDict Variables)> Init(Func<Scope, Tensor, Tensor, Tensor> fn,
        Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var f = ScopeFunction.Of(fn);
        return (rngs, x1, x2) => First(InitTraced(f, rngs, [x1, x2], mutable, flags, device ?? Device.Auto));
    }

    /// <summary>
    /// Flax's <c>lazy_init(fn)</c> for a traced model: creates the variables from the inputs' shapes and dtypes only;
    /// nothing runs on ONNX Runtime.
    /// </summary>
    /// <param name="fn">The model.</param>
    /// <param name="mutable">The collections to create; default all.</param>
    /// <param name="flags">Read-only flags for the model (<c>initializing</c> is added).</param>
    /// <returns>A function of the PRNG keys and the input's spec returning the variables. It throws
    /// <see cref="LazyInitException"/> when a variable's value would be computed from the input.</returns>
    public static Func<Rngs, TensorSpec, VariableDict> LazyInit(Func<Scope, Tensor, Tensor> fn,
        Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        var f = ScopeFunction.Of(fn);
        return (rngs, x) => LazyInitTraced(f, rngs, [x], mutable, flags);
    }

    /// <inheritdoc cref="LazyInit(Func{Scope, Tensor, Tensor}, Filter?, IReadOnlyDictionary{string, object}?)"/>
    public static Func<Rngs, TensorSpec, TensorSpec, VariableDict> LazyInit(Func<Scope, Tensor, Tensor, Tensor> fn,
        Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null)
    {
        var f = ScopeFunction.Of(fn);
        return (rngs, x1, x2) => LazyInitTraced(f, rngs, [x1, x2], mutable, flags);
    }

    private static (NDArray Output, VariableDict Variables) First((NDArray[] Outputs, VariableDict Variables) init) => (init.Outputs[0], init.Variables);
}
