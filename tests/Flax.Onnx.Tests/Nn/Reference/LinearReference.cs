namespace Flax.Tests.Nn.Reference;

/// <summary>Direct-loop dense contractions and attention in double precision.</summary>
internal static class LinearReference
{
    /// <summary>
    /// Contracts the last <paramref name="contracted"/> axes of <paramref name="x"/> with the leading axes of
    /// <paramref name="kernel"/> and adds <paramref name="bias"/> (shaped like the kernel's remaining axes) if given.
    /// </summary>
    public static NDArray Dense(NDArray x, NDArray kernel, NDArray? bias, int contracted = 1)
    {
        int[] xs = x.Shape, ks = kernel.Shape;
        int inSize = Grid.Size(xs[^contracted..]), outSize = Grid.Size(ks[contracted..]), rows = Grid.Size(xs) / inSize;
        var xv = x.ToArray<float>();
        var kv = kernel.ToArray<float>();
        var bv = bias?.ToArray<float>();
        var y = new float[rows * outSize];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outSize; o++)
            {
                double acc = bv is null ? 0 : bv[o];
                for (int i = 0; i < inSize; i++) acc += (double)xv[r * inSize + i] * kv[i * outSize + o];
                y[r * outSize + o] = (float)acc;
            }
        return NDArray.From(y, [.. xs[..^contracted], .. ks[contracted..]]);
    }

    /// <summary>
    /// Dot-product attention on <c>(batch, positions..., heads, depth)</c> arrays with every middle axis an attention
    /// axis: <c>softmax(q·k / sqrt(depth) + bias) · v</c> per batch and head, the softmax over all key positions.
    /// <paramref name="bias"/> and <paramref name="keep"/> (a dropout multiplier) take
    /// <c>(batch, head, query position, key position)</c> with flattened positions; the bias is added in float32, as in
    /// the model (a -1e10 mask absorbs the logits), and the weights are <c>exp(logit - logsumexp)</c> with the
    /// log-sum-exp rounded to float32 as JAX computes it (a fully masked row then weighs every key by 1).
    /// </summary>
    public static NDArray Attention(NDArray query, NDArray key, NDArray value,
        Func<int, int, int, int, double>? bias = null, Func<int, int, int, int, double>? keep = null)
    {
        int[] qs = query.Shape, ks = key.Shape, vs = value.Shape;
        int batch = qs[0], heads = qs[^2], depth = qs[^1], valueDepth = vs[^1];
        int lq = Grid.Size(qs[1..^2]), lk = Grid.Size(ks[1..^2]);
        var q = query.ToArray<float>();
        var k = key.ToArray<float>();
        var v = value.ToArray<float>();
        var y = new float[batch * lq * heads * valueDepth];
        double scale = 1 / Math.Sqrt(depth);
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < lq; i++)
                {
                    var logits = new double[lk];
                    for (int j = 0; j < lk; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < depth; d++)
                            dot += (double)q[((b * lq + i) * heads + h) * depth + d] * k[((b * lk + j) * heads + h) * depth + d];
                        logits[j] = bias is null ? dot * scale : (float)((float)(dot * scale) + (float)bias(b, h, i, j));
                    }
                    double max = logits.Max();
                    double lse = (float)(Math.Log(logits.Sum(l => Math.Exp(l - max))) + max);
                    for (int e = 0; e < valueDepth; e++)
                    {
                        double acc = 0;
                        for (int j = 0; j < lk; j++)
                            acc += Math.Exp(logits[j] - lse) * (keep?.Invoke(b, h, i, j) ?? 1) * v[((b * lk + j) * heads + h) * valueDepth + e];
                        y[((b * lq + i) * heads + h) * valueDepth + e] = (float)acc;
                    }
                }
        return NDArray.From(y, [.. qs[..^1], valueDepth]);
    }
}
