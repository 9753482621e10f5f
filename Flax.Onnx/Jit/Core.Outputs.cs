namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Flax's <c>init(fn)</c> for a model with several outputs, such as <c>(logits, embedding)</c>: like
    /// <see cref="Init(Func{Scope, Tensor, Tensor}, Filter?, IReadOnlyDictionary{string, object}?, Device?)"/>, for a
    /// function returning a <see cref="Tensor"/> array (Flax's model returns a tuple). A distinct name, so that every
    /// call form of <c>Init</c> for a one-output model keeps resolving (an untyped lambda, a method group).
    /// </summary>
    /// <param name="fn">The model, e.g. <c>Tensor[] Encoder(Scope scope, Tensor x)</c> returning <c>[logits, embedding]</c>.</param>
    /// <param name="mutable">The collections to create; default all.</param>
    /// <param name="flags">Read-only flags for the model (<c>initializing</c> is added).</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/>.</param>
    /// <returns>A function of the PRNG keys and the input, returning the outputs, in the model's order, and the
    /// variables. It throws what <c>Init</c>'s function throws, and <see cref="UntracedOutputException"/> when the
    /// model returns null, no outputs or a null output.</returns>
    public static Func<Rngs, NDArray, (NDArray[] Outputs, VariableDict Variables)> InitOutputs(Func<Scope, Tensor, Tensor[]> fn,
        Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var f = ScopeFunction.OfOutputs(fn);
        return (rngs, x) => InitTraced(f, rngs, [x], mutable, flags, device ?? Device.Auto);
    }

    /// <inheritdoc cref="InitOutputs(Func{Scope, Tensor, Tensor[]}, Filter?, IReadOnlyDictionary{string, object}?, Device?)"/>
    public static Func<Rngs, NDArray, NDArray, (NDArray[] Outputs, VariableDict Variables)> InitOutputs(Func<Scope, Tensor, Tensor, Tensor[]> fn,
        Filter? mutable = null, IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var f = ScopeFunction.OfOutputs(fn);
        return (rngs, x1, x2) => InitTraced(f, rngs, [x1, x2], mutable, flags, device ?? Device.Auto);
    }

    /// <summary>
    /// Flax's <c>apply(fn)</c> for a model with several outputs: like
    /// <see cref="Apply(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{string, object}?, Device?)"/> (one traced
    /// program and session per input signature, every output computed in the same run), returning each output.
    /// </summary>
    /// <param name="fn">The model, returning its outputs as a <see cref="Tensor"/> array.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/>.</param>
    /// <returns>The model as a function of the variables, the input and optional PRNG keys, returning the outputs in the
    /// model's order. It throws what <c>Apply</c>'s function throws, and <see cref="UntracedOutputException"/> when the
    /// model returns null, no outputs or a null output.</returns>
    public static ApplyFunction<NDArray, NDArray[]> ApplyOutputs(Func<Scope, Tensor, Tensor[]> fn,
        IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var (f, state) = (ScopeFunction.OfOutputs(fn), new ApplyState());
        return (variables, x, rngs) => ApplyTraced(f, state, variables, [x], rngs, null, flags, device ?? Device.Auto).Outputs;
    }

    /// <inheritdoc cref="ApplyOutputs(Func{Scope, Tensor, Tensor[]}, IReadOnlyDictionary{string, object}?, Device?)"/>
    public static ApplyFunction<NDArray, NDArray, NDArray[]> ApplyOutputs(Func<Scope, Tensor, Tensor, Tensor[]> fn,
        IReadOnlyDictionary<string, object>? flags = null, Device? device = null)
    {
        var (f, state) = (ScopeFunction.OfOutputs(fn), new ApplyState());
        return (variables, x1, x2, rngs) => ApplyTraced(f, state, variables, [x1, x2], rngs, null, flags, device ?? Device.Auto).Outputs;
    }
}
