namespace Flax;

/// <summary>
/// The attention masks of <see cref="Nn.MultiHeadDotProductAttention"/> (Flax's <c>_make_causal_mask</c> and
/// <c>make_padding_mask</c>), shaped to broadcast against attention logits <c>(batch, heads, q_positions...,
/// kv_positions...)</c>, and their conversion to an additive bias.
/// </summary>
internal static class AttentionMasks
{
    /// <summary>
    /// The causal mask of projected keys of shape <paramref name="keyShape"/>: true where the flattened query position
    /// is at or after the flattened key position; shape <c>(1, ..., 1, attn_dims..., attn_dims...)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An attention axis is out of place.</exception>
    public static Tensor Causal(int[] keyShape, int[] attentionAxis)
    {
        CheckAxes(attentionAxis, keyShape.Length);
        int[] dims = [.. attentionAxis.Select(a => keyShape[a])];
        int size = dims.Aggregate(1, (n, d) => n * d);
        var tri = new bool[size * size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j <= i; j++) tri[i * size + j] = true;
        int[] shape = [.. Enumerable.Repeat(1, keyShape.Length - attentionAxis.Length - 1), .. dims, .. dims];
        return NDArray.From(tri, shape);
    }

    /// <summary>
    /// The outer product (or, for <paramref name="segmentation"/>, the equality) of the query and key indicators over
    /// the attention positions, as float32 of shape <c>(batch, 1, q_dims..., kv_dims...)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An attention axis is out of place, or the masks do not fit the shapes.</exception>
    public static Tensor Padding(Tensor query, Tensor key, int[] queryShape, int[] keyShape, int[] attentionAxis, bool segmentation)
    {
        CheckAxes(attentionAxis, keyShape.Length);
        int[] finalShape = [queryShape[0], 1, .. attentionAxis.Select(a => queryShape[a]), .. attentionAxis.Select(a => keyShape[a])];
        var q = query.ExpandDims(-1);
        var k = key.ExpandDims(-1);
        int[] perm = [0, .. Enumerable.Range(1, k.Rank - 1).Reverse()];
        k = k.Transpose(perm);
        var mask = segmentation ? Tensor.Equal(q, k) : q * k;
        return mask.Reshape(finalShape).Cast(DType.Float32);
    }

    /// <summary>Combines the masks with a logical and and turns them into a bias: 0 where kept, -1e10 where masked.</summary>
    public static Tensor ToBias(List<Tensor> masks, DType dtype)
    {
        var mask = masks.Count == 1 ? (masks[0].DType == DType.Bool ? masks[0] : masks[0] > 0)
            : masks.Select(m => m.DType == DType.Bool ? m : Tensor.NotEqual(m, 0)).Aggregate((a, b) => a & b);
        return Tensor.Where(mask, NDArray.Full(dtype, 0.0), -1e10);
    }

    /// <summary>Throws Flax's error unless every axis lies strictly between the batch axis and the last two axes.</summary>
    /// <exception cref="ArgumentException">An axis is out of place.</exception>
    public static void CheckAxes(int[] axes, int rank)
    {
        foreach (var a in axes)
            if (!(rank >= 3 && 1 <= a && a < rank - 2))
                throw new ArgumentException("Attention axis must be between the batch axis and the last-two axes.");
    }
}
