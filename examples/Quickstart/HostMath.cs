using Flax;

/// <summary>
/// The little float32 host math the quickstart's plain-array model needs (the tracing layer replaces it with tensors),
/// and a <c>jax.nn.initializers.uniform(scale)</c> that draws JAX's bits: element i uses <c>fold_in(key, i)</c>.
/// </summary>
internal static class HostMath
{
    public static Initializer Uniform(float scale) => (key, shape, dtype) =>
    {
        var values = new float[checked(shape.Aggregate(1, (a, b) => a * b))];
        for (int i = 0; i < values.Length; i++)
        {
            var bits = key.FoldIn((uint)i);
            values[i] = (BitConverter.Int32BitsToSingle((int)(((bits.Hi ^ bits.Lo) >> 9) | 0x3F800000u)) - 1f) * scale;
        }
        return NDArray.From(values, shape);
    };

    public static NDArray Zeros(PrngKey key, int[] shape, DType dtype) => NDArray.Zeros(dtype, shape);

    public static NDArray MatMul(NDArray a, NDArray b)
    {
        int n = a.Shape[0], k = a.Shape[1], m = b.Shape[1];
        if (b.Shape[0] != k) throw new ArgumentException($"Cannot multiply {Shapes.Format(a.Shape)} by {Shapes.Format(b.Shape)}.");
        float[] x = a.ToArray<float>(), w = b.ToArray<float>(), y = new float[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                for (int p = 0; p < k; p++)
                    y[i * m + j] += x[i * k + p] * w[p * m + j];
        return NDArray.From(y, n, m);
    }

    public static NDArray Add(NDArray matrix, NDArray row)
    {
        float[] y = matrix.ToArray<float>(), b = row.ToArray<float>();
        for (int i = 0; i < y.Length; i++) y[i] += b[i % b.Length];
        return NDArray.From(y, matrix.Shape);
    }

    public static NDArray Relu(NDArray x) => NDArray.From(x.ToArray<float>().Select(v => Math.Max(v, 0f)).ToArray(), x.Shape);
}
