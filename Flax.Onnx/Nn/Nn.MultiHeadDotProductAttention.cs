namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Multi-head dot-product attention (<c>flax.core.nn.multi_head_dot_product_attention</c>): projects the inputs to
    /// <paramref name="numHeads"/> heads of queries, keys and values with <see cref="DenseGeneral"/> in the child scopes
    /// <c>query</c>, <c>key</c> and <c>value</c> (kernels <c>(features, heads, head_dim)</c>, biases
    /// <c>(heads, head_dim)</c>), applies <see cref="DotProductAttention"/> in the child <c>dot_product_attention_0</c>
    /// (where dropout keys are drawn) with the masks turned into a bias of 0 (keep) or -1e10 (masked), and projects back
    /// in the child <c>out</c> (kernel <c>(heads, head_dim, out_features)</c>, bias <c>(out_features,)</c>). The legacy
    /// autoregressive <c>cache</c> and a custom <c>attention_fn</c> are not supported.
    /// </summary>
    /// <param name="scope">The scope whose children hold the projections.</param>
    /// <param name="inputsQ">Queries, <c>(batch, dims..., features)</c>.</param>
    /// <param name="inputsKv">Keys and values, <c>(batch, dims..., features)</c>; null for self-attention.</param>
    /// <param name="numHeads">The number of heads; must divide the qkv features.</param>
    /// <param name="dtype">The dtype of the computation.</param>
    /// <param name="qkvFeatures">The total query/key/value size (default the input features).</param>
    /// <param name="outFeatures">The output size (default the input features).</param>
    /// <param name="attentionAxis">The attention axes of the inputs (default all but the batch and feature axes).</param>
    /// <param name="causalMask">Mask out keys at later positions than the query.</param>
    /// <param name="paddingMask">Non-padding indicator of the query positions, <c>(batch, q_dims...)</c> or
    /// <c>(batch, q_dims..., 1)</c>; masks every pair with a padded position.</param>
    /// <param name="keyPaddingMask">Non-padding indicator of the key positions (default <paramref name="paddingMask"/>).</param>
    /// <param name="segmentation">Segment ids of the query positions; only pairs in the same segment attend.</param>
    /// <param name="keySegmentation">Segment ids of the key positions (default <paramref name="segmentation"/>).</param>
    /// <param name="broadcastDropout">Share one dropout mask across the batch and head axes.</param>
    /// <param name="dropoutRng">The dropout key, instead of the scope's.</param>
    /// <param name="dropoutRate">The dropout probability of the attention weights.</param>
    /// <param name="deterministic">Apply no dropout.</param>
    /// <param name="kernelInit">The projection kernel initializer (default <see cref="DefaultKernelInit"/>).</param>
    /// <param name="biasInit">The projection bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <param name="bias">Whether the projections add biases.</param>
    /// <returns>The output, <c>(batch, dims..., out_features)</c>.</returns>
    /// <exception cref="ArgumentException">The qkv features are not divisible by <paramref name="numHeads"/>
    /// (<c>Memory dimension must be divisible by number of heads.</c>), or an attention axis is out of place.</exception>
    /// <exception cref="FlaxException">What the projections' <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    public static Tensor MultiHeadDotProductAttention(Scope scope, Tensor inputsQ, Tensor? inputsKv, int numHeads,
        DType dtype = DType.Float32, int? qkvFeatures = null, int? outFeatures = null, int[]? attentionAxis = null,
        bool causalMask = false, Tensor? paddingMask = null, Tensor? keyPaddingMask = null, Tensor? segmentation = null,
        Tensor? keySegmentation = null, bool broadcastDropout = true, PrngKey? dropoutRng = null, double dropoutRate = 0.0,
        bool deterministic = false, Initializer? kernelInit = null, Initializer? biasInit = null, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        RequireRank(inputsQ, 2, nameof(MultiHeadDotProductAttention));
        inputsKv ??= inputsQ;
        attentionAxis ??= [.. Enumerable.Range(1, inputsQ.Rank - 2)];
        int features = outFeatures ?? inputsQ.Shape[^1];
        int qkv = qkvFeatures ?? inputsQ.Shape[^1];
        if (numHeads <= 0 || qkv % numHeads != 0)
            throw new ArgumentException("Memory dimension must be divisible by number of heads.", nameof(numHeads));

        Tensor Project(string name, Tensor x) => DenseGeneral(scope.Push(name), x, [numHeads, qkv / numHeads], axis: [-1],
            bias: bias, dtype: dtype, kernelInit: kernelInit, biasInit: biasInit);
        var query = Project("query", inputsQ);
        var key = Project("key", inputsKv);
        var value = Project("value", inputsKv);

        var masks = new List<Tensor>();
        if (causalMask) masks.Add(AttentionMasks.Causal(key.Shape, attentionAxis));
        if (paddingMask is not null)
            masks.Add(AttentionMasks.Padding(paddingMask, keyPaddingMask ?? paddingMask, query.Shape, key.Shape, attentionAxis, segmentation: false));
        if (segmentation is not null)
            masks.Add(AttentionMasks.Padding(segmentation, keySegmentation ?? segmentation, query.Shape, key.Shape, attentionAxis, segmentation: true));
        Tensor? attentionBias = masks.Count == 0 ? null : AttentionMasks.ToBias(masks, dtype);

        var x = DotProductAttention(scope.Push(prefix: "dot_product_attention_"), query, key, value, dtype, attentionBias,
            attentionAxis, broadcastDropout, dropoutRng, dropoutRate, deterministic);
        return DenseGeneral(scope.Push("out"), x, [features], axis: [-2, -1], bias: bias, dtype: dtype,
            kernelInit: kernelInit, biasInit: biasInit);
    }
}
