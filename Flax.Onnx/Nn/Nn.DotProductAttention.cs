namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Dot-product attention over one or more attention axes (<c>flax.core.nn.dot_product_attention</c>):
    /// <c>softmax(q·k / sqrt(depth) + bias) · v</c>, the softmax taken jointly over the key positions of all attention
    /// axes. Inputs are <c>(batch, dims..., heads, depth)</c>; axes that are not attention axes act as batch axes. With
    /// a positive <paramref name="dropoutRate"/> and not <paramref name="deterministic"/>, the attention weights are
    /// dropped out with a mask from <paramref name="dropoutRng"/> or <c>scope.MakeRng("dropout")</c>, broadcast over the
    /// batch and head axes when <paramref name="broadcastDropout"/>.
    /// </summary>
    /// <param name="scope">The scope that supplies the dropout key (no parameters).</param>
    /// <param name="query">Queries, <c>(batch, q_dims..., heads, depth)</c>.</param>
    /// <param name="key">Keys, <c>(batch, kv_dims..., heads, depth)</c>.</param>
    /// <param name="value">Values, <c>(batch, kv_dims..., heads, value_depth)</c>.</param>
    /// <param name="dtype">The dtype of the attention weights.</param>
    /// <param name="bias">Added to the attention logits <c>(batch, heads, q_positions..., kv_positions...)</c>, e.g. a mask.</param>
    /// <param name="axis">The attention axes (default all between the batch axis and the last two).</param>
    /// <param name="broadcastDropout">Share one dropout mask across the batch and head axes.</param>
    /// <param name="dropoutRng">The dropout key, instead of the scope's.</param>
    /// <param name="dropoutRate">The dropout probability of the attention weights.</param>
    /// <param name="deterministic">Apply no dropout.</param>
    /// <returns>The attended values, <c>(batch, q_dims..., heads, value_depth)</c>.</returns>
    /// <exception cref="ArgumentException">An attention axis is not strictly between the batch axis and the last two
    /// (<c>Attention axis must be between the batch axis and the last-two axes.</c>), or the shapes do not fit.</exception>
    public static Tensor DotProductAttention(Scope scope, Tensor query, Tensor key, Tensor value, DType dtype = DType.Float32,
        Tensor? bias = null, int[]? axis = null, bool broadcastDropout = true, PrngKey? dropoutRng = null,
        double dropoutRate = 0.0, bool deterministic = false)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        int n = key.Rank;
        if (query.Rank != n || value.Rank != n || n < 2 || !key.Shape[..^1].SequenceEqual(value.Shape[..^1])
            || query.Shape[0] != key.Shape[0] || query.Shape[^1] != key.Shape[^1])
            throw new ArgumentException($"DotProductAttention needs query, key and value of one rank with key.shape[:-1] == value.shape[:-1] and matching batch and depth, got {Shapes.Format(query.Shape)}, {Shapes.Format(key.Shape)} and {Shapes.Format(value.Shape)}.");
        axis ??= [.. Enumerable.Range(1, Math.Max(n - 3, 0))];
        AttentionMasks.CheckAxes(axis, n);

        int[] batchDims = [.. Enumerable.Range(0, n).Where(a => !axis.Contains(a) && a != n - 1)];
        int[] qkPerm = [.. batchDims, .. axis, n - 1];
        key = key.Transpose(qkPerm);
        query = query.Transpose(qkPerm) / Math.Sqrt(query.Shape[^1]);
        value = value.Transpose([.. batchDims, n - 1, .. axis]);
        int[] batch = [.. Enumerable.Range(0, batchDims.Length)];
        var weights = Tensor.DotGeneral(query, key, ([n - 1], [n - 1]), (batch, batch));
        if (bias is not null) weights += bias;

        int[] normDims = [.. Enumerable.Range(weights.Rank - axis.Length, axis.Length)];
        weights = (weights - weights.LogSumExp(normDims, keepDims: true)).Exp().Cast(dtype);
        if (!deterministic && dropoutRate > 0.0)
        {
            double keep = 1.0 - dropoutRate;
            int[] maskShape = broadcastDropout
                ? [.. Enumerable.Repeat(1, batch.Length), .. weights.Shape[^(2 * axis.Length)..]]
                : weights.Shape;
            var mask = KeepMask(scope, dropoutRng, keep, maskShape, nameof(DotProductAttention));
            weights *= mask.Cast(dtype) / keep;
        }

        int[] valueAxes = [.. Enumerable.Range(value.Rank - axis.Length, axis.Length)];
        var y = Tensor.DotGeneral(weights, value, (normDims, valueAxes), (batch, batch));
        return y.Transpose(Inverse(qkPerm));
    }

    /// <summary>The inverse permutation (Flax's <c>_invert_perm</c>).</summary>
    private static int[] Inverse(int[] perm)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return inverse;
    }
}
