namespace Flax;

public static partial class FlaxCheckpoint
{
    /// <summary>
    /// The train state held by a checkpoint of Flax's <c>TrainState</c> (the tree <c>flax.serialization.to_bytes(state)</c>
    /// and <c>flax.training.checkpoints.save_checkpoint</c> write): its step, its model variables (<c>params</c>, and
    /// <c>batch_stats</c> unless absent or <c>None</c>) and its optax state, checked against
    /// <paramref name="optimizer"/>'s state layout (optax's <c>adam</c>, <c>adamw</c>, <c>sgd</c>, <c>rmsprop</c>,
    /// <c>chain</c>, <c>clip_by_global_norm</c> and schedules' counts all store their state as our optimizers do).
    /// </summary>
    /// <param name="checkpoint">The checkpoint, from <see cref="Read(string)"/>.</param>
    /// <param name="optimizer">The optimizer the run used, with the same structure (e.g. <c>Optimizers.Adam(1e-3)</c>
    /// for <c>optax.adam(1e-3)</c>).</param>
    /// <returns>The state; it remembers the checkpoint's layout, so <see cref="WriteTrainState(TrainState, string)"/>
    /// writes it back in the same form.</returns>
    /// <exception cref="FlaxCheckpointException">The checkpoint has no <c>step</c>, <c>params</c> or <c>opt_state</c>
    /// field or one has the wrong form, or its optimizer state does not match <paramref name="optimizer"/>'s; the
    /// message names the first field that differs (<c>"opt_state/0"</c>, ...).</exception>
    public static TrainState RestoreTrainState(VariableDict checkpoint, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(optimizer);
        return TrainStateLayout.Restore(checkpoint, optimizer);
    }

    /// <summary>Reads a checkpoint file and restores the train state it holds (see
    /// <see cref="RestoreTrainState(VariableDict, Optimizer)"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="optimizer">The optimizer the run used.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FlaxCheckpointException">The file is not a Flax checkpoint of a train state matching
    /// <paramref name="optimizer"/>.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static TrainState ReadTrainState(string path, Optimizer optimizer) => RestoreTrainState(Read(path), optimizer);

    /// <summary>
    /// The state dict of a train state (Flax's <c>to_state_dict(state)</c>): the layout it was read in, with its new
    /// values, or for a new run <c>{"step", "params", "opt_state", "batch_stats"...}</c> with the step as an int32 array,
    /// as a jitted JAX training step leaves it.
    /// </summary>
    /// <param name="state">The state, e.g. <see cref="Trainer.TrainState"/>.</param>
    /// <returns>The tree to write with <see cref="Write(VariableDict, string)"/>.</returns>
    public static VariableDict ToStateDict(TrainState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return TrainStateLayout.ToStateDict(state);
    }

    /// <summary>
    /// Writes a train state as Flax writes a <c>TrainState</c>, so that JAX resumes from it with
    /// <c>flax.serialization.from_bytes(state, data)</c>. The file is replaced only once fully written.
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentException">A leaf has no msgpack form; the file is unchanged then.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteTrainState(TrainState state, string path) => Write(ToStateDict(state), path);
}
