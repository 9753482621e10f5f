namespace Flax;

/// <summary>
/// A compiled training step, as Flax's examples write <c>train_step</c>: the loss of the model on a batch, its
/// gradients with respect to <c>params</c> (<see cref="Core.ValueAndGrad{TAux}"/>), the optimizer's update, and the
/// accuracy, traced once into one ONNX graph <c>(params, opt_state, batch_stats..., inputs, labels) -> (loss, new
/// params, new opt_state, new batch_stats..., accuracy)</c> and run on ONNX Runtime for every batch. The graph has a
/// dynamic batch axis, so the last, smaller batch of an epoch uses the same session.
/// </summary>
/// <remarks>
/// Collections other than <c>params</c> (such as <c>batch_stats</c>) are mutable during the step, so layers that
/// update running statistics in training mode do so. Pass the model in its training configuration (for example
/// <c>(s, x) =&gt; Cnn(s, x, train: true)</c>). The state lives in host arrays between steps. Dispose the trainer to
/// release its session.
/// </remarks>
public sealed class Trainer : IDisposable
{
    private const string OptState = "opt_state";
    private const string MetricsCollection = "metrics";

    private readonly Func<Scope, Tensor, Tensor> _model;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly Optimizer _optimizer;
    private readonly Device _device;
    private TracedModel? _step;
    private VariableDict _state;
    private bool _disposed;

    /// <summary>Prepares training of <paramref name="model"/> from <paramref name="variables"/>.</summary>
    /// <param name="model">The model in training mode; its output is the loss's first argument (logits).</param>
    /// <param name="loss">The per-example loss of the output and the labels (for example
    /// <see cref="Losses.SoftmaxCrossEntropyWithIntegerLabels"/>); its mean is minimized.</param>
    /// <param name="optimizer">The optimizer; its state starts from <see cref="Optimizer.Init"/> of the params.</param>
    /// <param name="variables">The initial variables, with a <c>params</c> collection (from <c>Core.Init</c>).</param>
    /// <param name="device">Where to run; default <see cref="Device.Auto"/>.</param>
    /// <exception cref="ArgumentException">The variables have no <c>params</c> collection, or already a
    /// <c>opt_state</c> or <c>metrics</c> one.</exception>
    public Trainer(Func<Scope, Tensor, Tensor> model, Func<Tensor, Tensor, Tensor> loss, Optimizer optimizer, VariableDict variables, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(variables);
        if (!variables.TryGetValue("params", out var parameters) || parameters is not VariableDict paramsDict)
            throw new ArgumentException("The variables to train have no 'params' collection.", nameof(variables));
        if (variables.ContainsKey(OptState) || variables.ContainsKey(MetricsCollection))
            throw new ArgumentException($"The variables to train must not have collections named '{OptState}' or '{MetricsCollection}': the trainer uses them.", nameof(variables));
        (_model, _loss, _optimizer, _device) = (model, loss, optimizer, device ?? Device.Auto);
        _state = variables.Copy([KeyValuePair.Create(OptState, (object)optimizer.Init(paramsDict))]);
    }

    /// <summary>The model's current variables (every collection it was given, updated).</summary>
    public VariableDict Variables => new(_state.Where(kv => kv.Key != OptState));

    /// <summary>The optimizer's current state (empty for a stateless optimizer such as plain SGD).</summary>
    public VariableDict OptimizerState => _state.TryGetValue(OptState, out var state) ? (VariableDict)state : VariableDict.Empty;

    /// <summary>The number of steps taken.</summary>
    public int StepCount { get; private set; }

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
    public TrainMetrics Step(NDArray inputs, NDArray labels)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Rank == 0 || labels.Rank == 0 || inputs.Shape[0] != labels.Shape[0])
            throw new ArgumentException($"Inputs and labels need one leading batch axis of one size, got shapes {Shapes.Format(inputs.Shape)} and {Shapes.Format(labels.Shape)}.", nameof(labels));
        _step ??= Compile(inputs, labels);
        var flat = _state.Flatten();
        NDArray Parameter(string path) => (NDArray)flat[path];
        var outputs = _step.Run([inputs, labels], Parameter);
        var updated = _step.Variables(outputs, Parameter);
        var metrics = (VariableDict)updated[MetricsCollection];
        _state = new VariableDict(updated.Where(kv => kv.Key != MetricsCollection));
        StepCount++;
        return new TrainMetrics(outputs[0].Item<float>(), ((NDArray)metrics["accuracy"]).Item<float>());
    }

    private TracedModel Compile(NDArray inputs, NDArray labels)
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
        var mutable = Filter.Of([.. _state.Keys, MetricsCollection]);
        var traced = ScopeTracer.Trace(ScopeFunction.Of(TrainStep), Core.TraceSpecs([inputs, labels]), _state, null, mutable, null);
        return new TracedModel(traced, _device);
    }

    /// <summary>Releases the compiled step's session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _step?.Dispose();
    }
}
