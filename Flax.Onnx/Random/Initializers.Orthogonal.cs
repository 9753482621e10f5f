namespace Flax;

public static partial class Initializers
{
    /// <summary>
    /// <c>jax.nn.initializers.orthogonal(scale, column_axis=-1)</c>: a normal matrix of <c>(rows, columns)</c> (rows =
    /// the product of the other axes; transposed when there are fewer rows than columns) made orthonormal by its QR
    /// decomposition with <c>R</c>'s diagonal made positive (so <c>Q</c> is unique), then reshaped to
    /// the requested shape. <c>Q</c> is computed on the host in float64 (Householder reflections) and rounded,
    /// so values equal JAX's to about float32 precision (JAX runs the QR in the parameter dtype).
    /// </summary>
    /// <param name="scale">The factor applied to <c>Q</c>.</param>
    /// <returns>The initializer; it throws <see cref="ArgumentException"/> for a shape of fewer than two axes.</returns>
    public static Initializer Orthogonal(double scale = 1.0) => (key, shape, dtype) =>
    {
        if (shape.Length < 2)
            throw new ArgumentException($"orthogonal initializer requires at least a 2D shape, got {Shapes.Format(shape)}.", nameof(shape));
        int cols = shape[^1], rows = (int)(NDArray.CheckedSize(shape) / Math.Max(cols, 1));
        bool transposed = rows < cols;
        int m = transposed ? cols : rows, n = transposed ? rows : cols;
        var normal = Prng.Normal(key, [m, n], dtype);
        double[] a = dtype switch
        {
            DType.Float32 => [.. normal.ToArray<float>().Select(v => (double)v)],
            DType.Float64 => normal.ToArray<double>(),
            _ => throw new NotSupportedException($"orthogonal initializer supports float32 and float64, not {dtype.Name()}."),
        };
        var q = OrthonormalColumns(a, m, n);
        var result = new double[rows * cols];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                result[transposed ? j * cols + i : i * cols + j] = scale * q[i * n + j];
        return dtype == DType.Float64 ? NDArray.From(result, shape) : NDArray.From([.. result.Select(v => (float)v)], shape);
    };

    /// <summary>The <c>Q</c> of the reduced QR decomposition of the row-major <c>(m, n)</c> matrix <paramref name="a"/>
    /// (<c>m &gt;= n</c>), with the signs that make <c>R</c>'s diagonal non-negative.</summary>
    private static double[] OrthonormalColumns(double[] a, int m, int n)
    {
        var r = (double[])a.Clone();
        var vs = new double[n][];
        for (int k = 0; k < n; k++)
        {
            var v = new double[m];
            double norm = 0;
            for (int i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
            norm = Math.Sqrt(norm);
            double alpha = r[k * n + k] > 0 ? -norm : norm;
            for (int i = k; i < m; i++) v[i] = r[i * n + k];
            v[k] -= alpha;
            double vv = 0;
            for (int i = k; i < m; i++) vv += v[i] * v[i];
            if (vv > 0)
                for (int j = k; j < n; j++)
                {
                    double dot = 0;
                    for (int i = k; i < m; i++) dot += v[i] * r[i * n + j];
                    for (int i = k; i < m; i++) r[i * n + j] -= 2 * dot / vv * v[i];
                }
            vs[k] = v;
        }
        // Q = H_0 ... H_{n-1} applied to the first n columns of the identity.
        var q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            double vv = 0;
            for (int i = k; i < m; i++) vv += v[i] * v[i];
            if (vv == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i] * q[i * n + j];
                for (int i = k; i < m; i++) q[i * n + j] -= 2 * dot / vv * v[i];
            }
        }
        for (int j = 0; j < n; j++)
            if (r[j * n + j] < 0)
                for (int i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
        return q;
    }
}
