namespace Flax;

/// <summary>
/// The loss and accuracy of a model on labelled batches without training (Flax examples' <c>eval_step</c>), compiled
/// once into an ONNX graph with a dynamic batch axis, for validation during training.
/// </summary>
internal sealed class LossEvaluator : IDisposable
{
    private readonly Func<Scope, Tensor, Tensor> _model;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly Device _device;
    private TracedModel? _step;

    /// <summary>Prepares evaluation of <paramref name="model"/> (in inference mode) with <paramref name="loss"/>.</summary>
    internal LossEvaluator(Func<Scope, Tensor, Tensor> model, Func<Tensor, Tensor, Tensor> loss, Device device) =>
        (_model, _loss, _device) = (model, loss, device);

    /// <summary>The mean loss and accuracy over <paramref name="batches"/>, weighted by their sizes.</summary>
    internal TrainMetrics Evaluate(VariableDict variables, IEnumerable<(NDArray Inputs, NDArray Labels)> batches)
    {
        double loss = 0, accuracy = 0;
        int rows = 0;
        foreach (var (inputs, labels) in batches)
        {
            _step ??= Compile(variables, inputs, labels);
            var flat = variables.Flatten();
            var outputs = _step.Run([inputs, labels], path => (NDArray)flat[path]);
            int n = inputs.Shape[0];
            loss += outputs[0].Item<float>() * n;
            accuracy += outputs[1].Item<float>() * n;
            rows += n;
        }
        return new TrainMetrics((float)(loss / rows), (float)(accuracy / rows));
    }

    private TracedModel Compile(VariableDict variables, NDArray inputs, NDArray labels)
    {
        Tensor Step(Scope scope, Tensor x, Tensor y)
        {
            var output = _model(scope, x);
            bool classifies = y.DType.IsInteger() && output.Rank == y.Rank + 1;
            scope.PutVariable("metrics", "accuracy", classifies ? Metrics.Accuracy(output, y) : (Tensor)NDArray.Scalar(float.NaN));
            return _loss(output, y).Mean().Cast(DType.Float32);
        }
        var traced = ScopeTracer.Trace(ScopeFunction.Of(Step), Core.TraceSpecs([inputs, labels]), variables, null, "metrics", null);
        return new TracedModel(traced, _device);
    }

    /// <summary>Releases the compiled step's session.</summary>
    public void Dispose() => _step?.Dispose();
}
