namespace Flax;

/// <summary>
/// A training run's state as Flax's <c>flax.training.train_state.TrainState</c> holds it: the step count, the model's
/// variables (<c>params</c>, and <c>batch_stats</c> for a model with batch norm) and the optimizer's state in optax's
/// layout. <see cref="FlaxCheckpoint.RestoreTrainState"/> reads one from a checkpoint a JAX run saved,
/// <see cref="Trainer"/> resumes from it, and <see cref="FlaxCheckpoint.WriteTrainState(TrainState, string)"/> writes it
/// back in the layout JAX restores with <c>flax.serialization.from_bytes(state, data)</c>.
/// </summary>
/// <param name="Step">The number of steps taken (<c>TrainState.step</c>).</param>
/// <param name="Variables">The model's variables: <c>params</c>, and <c>batch_stats</c> when the model has them.</param>
/// <param name="OptState">The optimizer's state (<c>TrainState.opt_state</c>), laid out as the optimizer's
/// <see cref="Optimizer.Init"/> lays it out.</param>
public sealed record TrainState(long Step, VariableDict Variables, VariableDict OptState)
{
    /// <summary>The layout of the checkpoint this state was read from, when it was: its other fields, <c>None</c> leaves,
    /// the kind of its step and its key order, with the arrays of params, opt_state and batch_stats left out (as
    /// <see cref="NoneLeaf"/> placeholders). Writing follows it, so a state written back unchanged is byte-identical.</summary>
    internal VariableDict? Layout { get; init; }
}
