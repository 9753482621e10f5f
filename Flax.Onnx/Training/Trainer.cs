namespace Flax;

/// <summary>
/// A compiled training step, as Flax's examples write <c>train_step</c>: the loss of the model on a batch, its
/// gradients with respect to <c>params</c> (<see cref="Core.ValueAndGrad{TAux}"/>), the optimizer's update, and the
/// accuracy, traced once into one ONNX graph <c>(inputs, labels, dropout masks..., params, opt_state, batch_stats...)
/// -> (loss, new params, new opt_state, new batch_stats..., accuracy)</c> and run on ONNX Runtime for every batch. The
/// graph has a dynamic batch axis, so the last, smaller batch of an epoch uses the same session.
/// </summary>
/// <remarks>
/// <para>Collections other than <c>params</c> (such as <c>batch_stats</c>) are mutable during the step, so layers that
/// update running statistics in training mode do so. Pass the model in its training configuration (for example
/// <c>(s, x) =&gt; Cnn(s, x, train: true)</c>).</para>
/// <para>The params and the optimizer and model state stay in ONNX Runtime memory between steps (on CUDA, on the GPU):
/// each step's updated values are the next step's inputs, and only the loss and accuracy come back to the host.
/// <see cref="Variables"/> and <see cref="OptimizerState"/> copy the current values out when asked.</para>
/// <para>PRNG keys follow Flax's examples: at step <c>t</c> (counted from 0, <see cref="StepCount"/>) the base key of
/// each sequence in <c>rngs</c> is <c>jax.random.fold_in(key, t)</c>, and layers derive theirs from it by scope path
/// and counter as <c>make_rng</c> does (so a <see cref="Nn.Dropout"/> mask differs at every step and equals
/// <c>jax.random.bernoulli</c> of that key). The masks are drawn on the host for each step's batch and fed to the
/// compiled graph.</para>
/// <para>Dispose the trainer to release its session and the values it holds.</para>
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private const string OptState = "opt_state";
    private const string MetricsCollection = "metrics";

    private readonly Func<Scope, Tensor, Tensor> _model;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly Optimizer _optimizer;
    private readonly Device _device;
    private readonly Rngs? _rngs;
    private readonly VariableDict _initial;
    private TracedModel? _step;
    private ResidentLoop? _loop;
    private LeafSource? _accuracy;
    private bool _disposed;

    /// <summary>Prepares training of <paramref name="model"/> from <paramref name="variables"/>.</summary>
    /// <param name="model">The model in training mode; its output is the loss's first argument (logits).</param>
    /// <param name="loss">The per-example loss of the output and the labels (for example
    /// <see cref="Losses.SoftmaxCrossEntropyWithIntegerLabels"/>); its mean is minimized.</param>
    /// <param name="optimizer">The optimizer; its state starts from <see cref="Optimizer.Init"/> of the params.</param>
    /// <param name="variables">The initial variables, with a <c>params</c> collection (from <c>Core.Init</c>).</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/>.</param>
    /// <param name="rngs">The base keys of the PRNG sequences the model draws from (e.g. <c>{"dropout": key}</c>),
    /// folded with the step number at each step; null when the model draws none.</param>
    /// <exception cref="ArgumentException">The variables have no <c>params</c> collection, or already a
    /// <c>opt_state</c> or <c>metrics</c> one.</exception>
    public Trainer(Func<Scope, Tensor, Tensor> model, Func<Tensor, Tensor, Tensor> loss, Optimizer optimizer, VariableDict variables,
        Device? device = null, Rngs? rngs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(variables);
        if (!variables.TryGetValue("params", out var parameters) || parameters is not VariableDict paramsDict)
            throw new ArgumentException("The variables to train have no 'params' collection.", nameof(variables));
        if (variables.ContainsKey(OptState) || variables.ContainsKey(MetricsCollection))
            throw new ArgumentException($"The variables to train must not have collections named '{OptState}' or '{MetricsCollection}': the trainer uses them.", nameof(variables));
        (_model, _loss, _optimizer, _device, _rngs) = (model, loss, optimizer, device ?? Device.Auto, rngs);
        _initial = variables.Copy([KeyValuePair.Create(OptState, (object)optimizer.Init(paramsDict))]);
    }

    /// <summary>The model's current variables (every collection it was given, updated), copied to the host.</summary>
    /// <exception cref="ObjectDisposedException">The trainer was disposed after its first step.</exception>
    public VariableDict Variables => new(State().Where(kv => kv.Key != OptState));

    /// <summary>The optimizer's current state (empty for a stateless optimizer such as plain SGD), copied to the host.</summary>
    /// <exception cref="ObjectDisposedException">The trainer was disposed after its first step.</exception>
    public VariableDict OptimizerState => State().TryGetValue(OptState, out var state) ? (VariableDict)state : VariableDict.Empty;

    /// <summary>The number of steps taken.</summary>
    public int StepCount { get; private set; }

    /// <summary>
    /// The base keys of step <paramref name="step"/>: each sequence's key folded with the step number
    /// (<c>{name: jax.random.fold_in(key, step)}</c>, Flax's examples' convention), or null without rngs.
    /// </summary>
    /// <param name="step">The step number, from 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public Rngs? StepRngs(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return _rngs is null ? null
            : new Rngs(_rngs.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.FoldIn((uint)step)))) { FixSeparator = _rngs.FixSeparator };
    }

    /// <summary>
    /// Trains on one batch: computes the loss and accuracy with the current variables, then applies the optimizer's
    /// update to the params and keeps the updated collections. The first call traces and compiles the step.
    /// </summary>
    /// <param name="inputs">The model input, batch first.</param>
    /// <param name="labels">The labels, batch first (int32 class indices for classification).</param>
    /// <returns>The batch's loss and accuracy.</returns>
    /// <exception cref="ObjectDisposedException">The trainer was disposed.</exception>
    /// <exception cref="ArgumentException">The batch sizes differ, or an input does not fit the first batch's
    /// shapes.</exception>
    /// <exception cref="NotSupportedException">The model uses a PRNG key's value while tracing, so every step would
    /// repeat the first step's random values.</exception>
    public TrainMetrics Step(NDArray inputs, NDArray labels)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Rank == 0 || labels.Rank == 0 || inputs.Shape[0] != labels.Shape[0])
            throw new ArgumentException($"Inputs and labels need one leading batch axis of one size, got shapes {Shapes.Format(inputs.Shape)} and {Shapes.Format(labels.Shape)}.", nameof(labels));
        if (_loop is null) Compile(inputs, labels);
        int[] read = _accuracy is LeafSource.Output accuracy ? [0, accuracy.Index] : [0];
        var outputs = _loop!.Run(_step!.WithRandom([inputs, labels], StepRngs(StepCount)), read);
        StepCount++;
        var accuracyValue = outputs.Length > 1 ? outputs[1] : (NDArray)((LeafSource.Static)_accuracy!).Value;
        return new TrainMetrics(outputs[0].Item<float>(), accuracyValue.Item<float>());
    }

    /// <summary>Every collection's current values: the initial ones before the first step, else read from the loop.</summary>
    private VariableDict State()
    {
        if (_loop is null) return _initial;
        ObjectDisposedException.ThrowIf(_disposed, this);
        return VariableDict.Unflatten(_step!.Traced.Variables!.Value
            .Where(leaf => !leaf.Key.StartsWith(MetricsCollection + VariableDict.Separator, StringComparison.Ordinal))
            .Select(leaf => KeyValuePair.Create(leaf.Key, leaf.Value switch
            {
                LeafSource.Static s => s.Value,
                LeafSource.Parameter p => _loop.Read(p.Path),
                _ => (object)_loop.Read(leaf.Key),
            })));
    }

    private void Compile(NDArray inputs, NDArray labels)
    {
        Tensor TrainStep(Scope scope, Tensor x, Tensor y)
        {
            var (loss, logits, grads) = Core.ValueAndGrad(s =>
            {
                var output = _model(s, x);
                return (_loss(output, y).Mean().Cast(DType.Float32), output);
            }, scope);
            var parameters = (VariableDict)scope.Variables()["params"];
            var state = scope.Variables().TryGetValue(OptState, out var s) ? (VariableDict)s : VariableDict.Empty;
            var (updates, newState) = _optimizer.Update((VariableDict)grads["params"], state, parameters);
            foreach (var (name, value) in Optimizers.ApplyUpdates(parameters, updates)) scope.PutVariable("params", name, value);
            foreach (var (name, value) in newState) scope.PutVariable(OptState, name, value);
            bool classifies = y.DType.IsInteger() && logits.Rank == y.Rank + 1;
            scope.PutVariable(MetricsCollection, "accuracy", classifies ? Metrics.Accuracy(logits, y) : NDArray.Scalar(float.NaN));
            return loss;
        }
        var mutable = Filter.Of([.. _initial.Keys, MetricsCollection]);
        var traced = ScopeTracer.Trace(ScopeFunction.Of(TrainStep), Core.TraceSpecs([inputs, labels]), _initial, StepRngs(0), mutable, null, randomPerRun: true);
        if (traced.DrawsKeys)
            throw new NotSupportedException("The model uses a PRNG key's value while tracing (scope.MakeRng), so every training step would repeat the first step's random values; draw random values with layers that draw them per run, such as Nn.Dropout.");
        _accuracy = traced.Variables!.Value.Single(leaf => leaf.Key == MetricsCollection + VariableDict.Separator + "accuracy").Value;
        var flat = _initial.Flatten();
        _step = new TracedModel(traced, _device);
        _loop = new ResidentLoop(_step, traced.ParameterValues(flat));
    }

    /// <summary>Releases the values held between steps and the compiled step's session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _loop?.Dispose();
        _evaluator?.Dispose();
        _step?.Dispose();
    }
}
