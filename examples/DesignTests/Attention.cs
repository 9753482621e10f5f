namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>core_attention_test.py</c>: multi-head dot-product attention built from <c>lift.vmap</c>s. One head is a
/// plain function of a scope (dense <c>query</c>, <c>key</c>, <c>value</c> without bias, softmax attention with
/// dropout, dense <c>out</c>); an inner vmap gives every head its own parameters (stacked on axis 0:
/// <c>(2, 16, 8)</c>) and dropout keys, an outer vmap maps the batch axis with shared parameters.
/// </summary>
public static class Attention
{
    /// <summary>Two-head self-attention with dropout 0.1 on <c>(batch, length, features)</c> inputs.</summary>
    public static Tensor Model(Scope scope, Tensor x) => MultiHeadDotProductAttention(scope, x, x, numHeads: 2,
        attnFn: (s, weights) => Nn.Dropout(s, SoftmaxAttn(weights), rate: 0.1));

    /// <summary>Flax's <c>softmax_attn</c>: the weights normalised over their second half of axes.</summary>
    public static Tensor SoftmaxAttn(Tensor weights)
    {
        int[] normDims = [.. Enumerable.Range(weights.Rank / 2, weights.Rank - weights.Rank / 2)];
        var max = weights.Max(normDims, keepDims: true);
        var logNorms = max + (weights - max).Exp().Sum(normDims, keepDims: true).Log();
        return (weights - logNorms).Exp();
    }

    /// <summary>One head (Flax's <c>dot_product_attention</c> of the test): dense projections, attention, dense out.</summary>
    public static Tensor DotProductAttention(Scope scope, Tensor inputsQ, Tensor inputsKv, int qkvFeatures, int outFeatures,
        Func<Scope, Tensor, Tensor> attnFn)
    {
        Tensor Dense(Scope s, Tensor x) => Nn.Dense(s, x, qkvFeatures, bias: false);
        var query = scope.Child<Tensor, Tensor>(Dense, "query")(inputsQ);
        var key = scope.Child<Tensor, Tensor>(Dense, "key")(inputsKv);
        var value = scope.Child<Tensor, Tensor>(Dense, "value")(inputsKv);
        int n = query.Rank;
        var weights = attnFn(scope, Tensor.DotGeneral(query, key, ([n - 1], [n - 1])));
        var y = Tensor.DotGeneral(weights, value, ([.. Enumerable.Range(n - 1, weights.Rank - n + 1)], [.. Enumerable.Range(0, n - 1)]));
        return scope.Child<Tensor, Tensor>((s, h) => Nn.Dense(s, h, outFeatures), "out")(y);
    }

    /// <summary>Flax's <c>multi_head_dot_product_attention</c> of the test with <c>batch_axes=(0,)</c>.</summary>
    public static Tensor MultiHeadDotProductAttention(Scope scope, Tensor inputsQ, Tensor inputsKv, int numHeads,
        Func<Scope, Tensor, Tensor> attnFn, bool broadcastDropout = false)
    {
        int qkvFeatures = inputsQ.Shape[^1], outFeatures = inputsQ.Shape[^1];
        var heads = Lift.Vmap((s, q, kv) => DotProductAttention(s, q, kv, qkvFeatures / numHeads, outFeatures, attnFn),
            variableAxes: new Dictionary<Filter, int?> { ["params"] = 0 },
            splitRngs: new Dictionary<Filter, bool> { ["params"] = true, ["dropout"] = !broadcastDropout },
            inAxes: [null, null], outAxes: -2, axisSize: numHeads);
        var batched = Lift.Vmap(heads,
            variableAxes: new Dictionary<Filter, int?> { ["params"] = null },
            splitRngs: new Dictionary<Filter, bool> { ["params"] = false, ["dropout"] = !broadcastDropout },
            inAxes: [0, 0], outAxes: 0);
        return batched(scope, inputsQ, inputsKv).Mean(-2);
    }
}
