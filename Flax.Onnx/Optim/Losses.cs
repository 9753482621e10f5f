namespace Flax;

/// <summary>
/// Loss functions with optax's definitions (<c>optax.losses</c>), on tensors inside a traced function. Each returns the
/// per-example (or per-element) loss, like optax; take its <see cref="Tensor.Mean(int[], bool)"/> for a training loss.
/// </summary>
public static class Losses
{
    /// <summary>
    /// optax's <c>softmax_cross_entropy_with_integer_labels</c>: <c>logsumexp(logits) - logits[label]</c> over the last
    /// axis, so the result has the labels' shape.
    /// </summary>
    /// <param name="logits">Unnormalized log-probabilities, <c>(..., classes)</c>, floating-point.</param>
    /// <param name="labels">Class indices in <c>[0, classes)</c>, shaped like <paramref name="logits"/> without its last
    /// axis; integer.</param>
    /// <exception cref="ArgumentException">The dtypes or shapes do not fit.</exception>
    public static Tensor SoftmaxCrossEntropyWithIntegerLabels(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (!logits.DType.IsFloat() || !labels.DType.IsInteger())
            throw new ArgumentException($"softmax_cross_entropy_with_integer_labels needs floating-point logits and integer labels, got {logits.DType.Name()} and {labels.DType.Name()}.");
        if (logits.Rank == 0 || !labels.Shape.SequenceEqual(logits.Shape[..^1]))
            throw new ArgumentException($"softmax_cross_entropy_with_integer_labels needs labels shaped like the logits without their last axis, got logits {Shapes.Format(logits.Shape)} and labels {Shapes.Format(labels.Shape)}.");
        var labelLogits = logits.TakeAlongAxis(labels.ExpandDims(-1), -1).Squeeze(-1);
        return logits.LogSumExp(-1) - labelLogits;
    }

    /// <summary>optax's <c>squared_error</c>: <c>(predictions - targets) ** 2</c> element-wise (<c>predictions ** 2</c>
    /// without targets); the mean squared error is its mean.</summary>
    /// <param name="predictions">The predictions.</param>
    /// <param name="targets">The targets, of the predictions' shape; null for zeros.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor SquaredError(Tensor predictions, Tensor? targets = null)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (targets is not null && !targets.Shape.SequenceEqual(predictions.Shape))
            throw new ArgumentException($"squared_error needs predictions and targets of one shape, got {Shapes.Format(predictions.Shape)} and {Shapes.Format(targets.Shape)}.");
        var errors = targets is null ? predictions : predictions - targets;
        return errors * errors;
    }

    /// <summary>
    /// optax's <c>sigmoid_binary_cross_entropy</c>: <c>-labels * log_sigmoid(logits) - (1 - labels) *
    /// log_sigmoid(-logits)</c> element-wise, with the stable <c>log_sigmoid(x) = -(max(-x, 0) + log1p(exp(-|x|)))</c>.
    /// </summary>
    /// <param name="logits">The logits.</param>
    /// <param name="labels">The probabilities of the positive class (0 or 1 for hard labels), broadcastable against the
    /// logits.</param>
    public static Tensor SigmoidBinaryCrossEntropy(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        var x = logits.DType.IsFloat() ? logits : logits.Cast(DType.Float32);
        var softplusOfAbs = (-x.Abs()).Exp().Log1p();
        var logP = -(Tensor.Maximum(-x, 0) + softplusOfAbs);
        var logNotP = -(Tensor.Maximum(x, 0) + softplusOfAbs);
        var y = labels.Cast(x.DType);
        return -y * logP - (1 - y) * logNotP;
    }
}
