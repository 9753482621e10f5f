namespace Flax;

/// <summary>Evaluation metrics on tensors inside a traced function, as Flax's examples compute them.</summary>
public static class Metrics
{
    /// <summary>
    /// The fraction of rows whose largest logit is at the label: <c>mean(argmax(logits, -1) == labels)</c>, float32;
    /// a tie goes to the first largest logit, as <c>jnp.argmax</c> does.
    /// </summary>
    /// <param name="logits">Scores, <c>(..., classes)</c>.</param>
    /// <param name="labels">Class indices, shaped like <paramref name="logits"/> without its last axis; integer.</param>
    /// <exception cref="ArgumentException">The dtypes or shapes do not fit.</exception>
    public static Tensor Accuracy(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.Rank == 0 || !labels.DType.IsInteger() || !labels.Shape.SequenceEqual(logits.Shape[..^1]))
            throw new ArgumentException($"accuracy needs integer labels shaped like the logits without their last axis, got logits {Shapes.Format(logits.Shape)} and {labels.DType.Name()} labels {Shapes.Format(labels.Shape)}.");
        int classes = logits.Shape[^1];
        Tensor positions = NDArray.From(Enumerable.Range(0, classes).ToArray(), classes);
        var isMax = Tensor.Equal(logits, logits.Max(-1, keepDims: true));
        var argmax = Tensor.Where(isMax, positions, classes).Min(-1);
        return Tensor.Equal(argmax, labels.Cast(DType.Int32)).Cast(DType.Float32).Mean();
    }
}
