namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Flax's <c>apply(fn)</c> for a traced model: each call runs <paramref name="fn"/> on ONNX Runtime with the given
    /// variables (all immutable) and returns the output. The function is traced and compiled once per input signature
    /// (the leading axis is the dynamic batch axis, unless <paramref name="fn"/> needs its size as a number, as a Dense
    /// over a rank-1 input does: then the exact shapes) and variable structure; calls with new parameter values or another
    /// batch size reuse that session, feeding the values as inputs.
    /// </summary>
    /// <param name="fn">The model, e.g. <c>Tensor Mlp(Scope scope, Tensor x)</c>.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/> (CUDA when it works, else the CPU).</param>
    /// <returns>The model as a function of the variables, the input and optional PRNG keys. It throws Flax's scope
    /// errors (<see cref="ScopeParamNotFoundException"/>, <see cref="ScopeParamShapeException"/>, ...),
    /// <see cref="InvalidRngException"/> for a missing PRNG sequence, <see cref="UntracedOutputException"/>, and
    /// <see cref="ArgumentException"/> when shapes do not fit an operation.</returns>
    public static ApplyFunction<NDArray, NDArray> Apply(Func<Scope, Tensor, Tensor> fn,
        IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var (f, state) = (ScopeFunction.Of(fn), new ApplyState());
        return (variables, x, rngs) => ApplyTraced(f, state, variables, [x], rngs, null, flags, device ?? Device.Auto).Outputs[0];
    }

    /// <summary>
    /// Flax's <c>apply(fn, mutable=...)</c> for a traced model: like
    /// <see cref="Apply(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{string, object}?, Device?)"/>, returning also
    /// every collection <paramref name="mutable"/> matches (changed or not), with the values the model wrote.
    /// </summary>
    /// <param name="fn">The model.</param>
    /// <param name="mutable">The collections the model may change, e.g. <c>"batch_stats"</c>.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/>.</param>
    /// <returns>The model as a function of the variables, the input and optional PRNG keys, returning the output and
    /// the mutable collections.</returns>
    public static ApplyFunction<NDArray, (NDArray Output, VariableDict Mutated)> Apply(Func<Scope, Tensor, Tensor> fn, Filter mutable,
        IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        if (mutable is null) throw new InvalidFilterException(null);
        var (f, state) = (ScopeFunction.Of(fn), new ApplyState());
        return (variables, x, rngs) =>
        {
            var (y, mutated) = ApplyTraced(f, state, variables, [x], rngs, mutable, flags, device ?? Device.Auto);
            return (y[0], mutated!);
        };
    }

    /// <inheritdoc cref="Apply(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{string, object}?, Device?)"/>
    public static ApplyFunction<NDArray, NDArray, NDArray> Apply(Func<Scope, Tensor, Tensor, Tensor> fn,
        IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var (f, state) = (ScopeFunction.Of(fn), new ApplyState());
        return (variables, x1, x2, rngs) => ApplyTraced(f, state, variables, [x1, x2], rngs, null, flags, device ?? Device.Auto).Outputs[0];
    }

    /// <inheritdoc cref="Apply(Func{Scope, Tensor, Tensor}, Filter, IReadOnlyDictionary{string, object}?, Device?)"/>
    public static ApplyFunction<NDArray, NDArray, (NDArray Output, VariableDict Mutated)> Apply(Func<Scope, Tensor, Tensor, Tensor> fn, Filter mutable,
        IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        if (mutable is null) throw new InvalidFilterException(null);
        var (f, state) = (ScopeFunction.Of(fn), new ApplyState());
        return (variables, x1, x2, rngs) =>
        {
            var (y, mutated) = ApplyTraced(f, state, variables, [x1, x2], rngs, mutable, flags, device ?? Device.Auto);
            return (y[0], mutated!);
        };
    }
}
