namespace Flax;

/// <summary>
/// An optimizer or one step of one (optax's <c>GradientTransformation</c>): <see cref="Init"/> makes its state from
/// the parameters on the host, and <see cref="Update"/> turns gradients into updates inside a traced training step,
/// so the whole update is part of the step's ONNX graph. States are <see cref="VariableDict"/>s laid out like Flax's
/// state dicts of optax states (<c>{"count": ..., "mu": {...}, "nu": {...}}</c>; a chain's parts under <c>"0"</c>,
/// <c>"1"</c>, ...), so they checkpoint like any collection. Build them with <see cref="Optimizers"/>.
/// </summary>
public sealed class Optimizer
{
    private readonly Func<VariableDict, VariableDict> _init;
    private readonly Func<VariableDict, VariableDict, VariableDict?, (VariableDict, VariableDict)> _update;

    internal Optimizer(Func<VariableDict, VariableDict> init, Func<VariableDict, VariableDict, VariableDict?, (VariableDict, VariableDict)> update)
    {
        _init = init;
        _update = update;
    }

    /// <summary>The initial state for <paramref name="parameters"/> (optax's <c>init(params)</c>): zero moments of the
    /// parameters' shapes and dtypes, int32 step counters at 0.</summary>
    /// <param name="parameters">The parameters, as host arrays (for example <c>variables["params"]</c>).</param>
    /// <exception cref="ArgumentException">A leaf is not an <see cref="NDArray"/>.</exception>
    public VariableDict Init(VariableDict parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (path, leaf) in parameters.Flatten())
            if (leaf is not NDArray)
                throw new ArgumentException($"Optimizer.Init needs host arrays, but parameter '{path}' is a {leaf.GetType().Name}.", nameof(parameters));
        return _init(parameters);
    }

    /// <summary>
    /// The updates for <paramref name="grads"/> and the new state (optax's <c>update(grads, state, params)</c>), inside a
    /// traced function: leaves are <see cref="Tensor"/>s (host arrays become constants). Apply the updates with
    /// <see cref="Optimizers.ApplyUpdates"/>.
    /// </summary>
    /// <param name="grads">The gradients, shaped like the parameters.</param>
    /// <param name="state">The state from <see cref="Init"/> or the previous update.</param>
    /// <param name="parameters">The current parameters; needed by weight decay.</param>
    /// <returns>The updates (shaped like the gradients) and the new state.</returns>
    /// <exception cref="InvalidOperationException">No function is being traced on this thread.</exception>
    /// <exception cref="ArgumentException">The state or parameters do not match the gradients, or parameters are
    /// needed but missing.</exception>
    public (VariableDict Updates, VariableDict State) Update(VariableDict grads, VariableDict state, VariableDict? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(grads);
        ArgumentNullException.ThrowIfNull(state);
        return _update(grads, state, parameters);
    }
}
