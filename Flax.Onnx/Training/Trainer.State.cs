namespace Flax;

public sealed partial class Trainer
{
    private readonly VariableDict? _layout;
    private LossEvaluator? _evaluator;
    private Func<Scope, Tensor, Tensor>? _evaluatedModel;

    /// <summary>
    /// Resumes training from <paramref name="state"/> (for example a JAX run's checkpoint read with
    /// <see cref="FlaxCheckpoint.ReadTrainState"/>): the variables, the optimizer state and the step count continue from
    /// it, so the next step computes what optax's update of the same state computes, and its per-step PRNG keys are
    /// those of step <see cref="TrainState.Step"/>.
    /// </summary>
    /// <param name="model">The model in training mode.</param>
    /// <param name="loss">The per-example loss of the output and the labels; its mean is minimized.</param>
    /// <param name="optimizer">The optimizer the state was made with.</param>
    /// <param name="state">The state to resume from.</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/>.</param>
    /// <param name="rngs">The base keys of the model's PRNG sequences; null when it draws none.</param>
    /// <exception cref="ArgumentException">The variables have no <c>params</c> collection, or the step is above
    /// <see cref="int.MaxValue"/>.</exception>
    /// <exception cref="FlaxCheckpointException">The optimizer state does not match <paramref name="optimizer"/>'s;
    /// the message names the first field that differs.</exception>
    public Trainer(Func<Scope, Tensor, Tensor> model, Func<Tensor, Tensor, Tensor> loss, Optimizer optimizer, TrainState state,
        Device? device = null, Rngs? rngs = null)
        : this(model, loss, optimizer, (state ?? throw new ArgumentNullException(nameof(state))).Variables, device, rngs)
    {
        if (state.Step > int.MaxValue)
            throw new ArgumentException($"The step count {state.Step} is above {int.MaxValue}.", nameof(state));
        TrainStateLayout.CheckOptState(optimizer, (VariableDict)state.Variables["params"], state.OptState);
        _initial = state.Variables.Copy([KeyValuePair.Create(OptState, (object)state.OptState)]);
        _layout = state.Layout;
        StepCount = (int)state.Step;
    }

    /// <summary>
    /// The current train state (Flax's <c>TrainState</c>): <see cref="StepCount"/>, <see cref="Variables"/> and the
    /// optimizer state in optax's layout, copied to the host. When training resumed from a checkpoint's state, it keeps
    /// that checkpoint's layout for <see cref="FlaxCheckpoint.WriteTrainState(TrainState, string)"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The trainer was disposed after its first step.</exception>
    public TrainState TrainState =>
        new(StepCount, Variables, (VariableDict)TrainStateLayout.Refill(_initial[OptState], OptimizerState)) { Layout = _layout };

    /// <summary>
    /// Saves the current train state (params, opt_state, step and the other collections) as Flax's msgpack checkpoint
    /// of a <c>TrainState</c>, which JAX resumes from with <c>flax.serialization.from_bytes(state, data)</c>; see
    /// <see cref="FlaxCheckpoint.WriteTrainState(TrainState, string)"/>. The file is replaced only once fully written.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ObjectDisposedException">The trainer was disposed after its first step.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SaveCheckpoint(string path) => FlaxCheckpoint.WriteTrainState(TrainState, path);

    /// <summary>
    /// Evaluates the current variables on one batch without training (Flax examples' <c>eval_step</c>): the mean loss
    /// and the accuracy. The step is compiled on the first call (and again when <paramref name="model"/> changes).
    /// </summary>
    /// <param name="inputs">The model input, batch first.</param>
    /// <param name="labels">The labels, batch first.</param>
    /// <param name="model">The model in inference mode (for example <c>(s, x) =&gt; Cnn(s, x, train: false)</c>); null
    /// for the training model.</param>
    /// <returns>The batch's loss and accuracy (NaN when the labels are not class indices).</returns>
    /// <exception cref="ObjectDisposedException">The trainer was disposed.</exception>
    /// <exception cref="ArgumentException">The batch sizes differ.</exception>
    public TrainMetrics Evaluate(NDArray inputs, NDArray labels, Func<Scope, Tensor, Tensor>? model = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Rank == 0 || labels.Rank == 0 || inputs.Shape[0] != labels.Shape[0])
            throw new ArgumentException($"Inputs and labels need one leading batch axis of one size, got shapes {Shapes.Format(inputs.Shape)} and {Shapes.Format(labels.Shape)}.", nameof(labels));
        model ??= _model;
        if (_evaluator is null || _evaluatedModel != model)
        {
            _evaluator?.Dispose();
            (_evaluator, _evaluatedModel) = (new LossEvaluator(model, _loss, _device), model);
        }
        return _evaluator.Evaluate(Variables, [(inputs, labels)]);
    }
}
