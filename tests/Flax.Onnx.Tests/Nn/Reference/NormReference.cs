namespace Flax.Tests.Nn.Reference;

/// <summary>
/// Direct-loop normalisations in double precision with the two-pass variance: the independent references for
/// <c>Nn.BatchNorm</c>, <c>Nn.LayerNorm</c> and <c>Nn.GroupNorm</c> (scale and bias given per feature).
/// </summary>
internal static class NormReference
{
    /// <summary>
    /// Batch norm over every axis but the last: returns the output and the batch mean and (biased) variance per
    /// feature. With <paramref name="running"/> the given statistics replace the batch ones in the output.
    /// </summary>
    public static (NDArray Y, double[] Mean, double[] Var) Batch(NDArray input, float[] scale, float[] bias, double epsilon,
        (double[] Mean, double[] Var)? running = null)
    {
        int[] xs = input.Shape;
        int c = xs[^1], rows = Grid.Size(xs) / c;
        var x = input.ToArray<float>();
        var mean = new double[c];
        var variance = new double[c];
        for (int f = 0; f < c; f++)
        {
            for (int r = 0; r < rows; r++) mean[f] += x[r * c + f];
            mean[f] /= rows;
            for (int r = 0; r < rows; r++) variance[f] += Math.Pow(x[r * c + f] - mean[f], 2);
            variance[f] /= rows;
        }
        var (useMean, useVar) = running ?? (mean, variance);
        var y = new float[x.Length];
        for (int r = 0; r < rows; r++)
            for (int f = 0; f < c; f++)
                y[r * c + f] = (float)((x[r * c + f] - useMean[f]) / Math.Sqrt(useVar[f] + epsilon) * scale[f] + bias[f]);
        return (NDArray.From(y, xs), mean, variance);
    }

    /// <summary>Layer norm over the last axis.</summary>
    public static NDArray Layer(NDArray input, float[] scale, float[] bias, double epsilon) =>
        Group(input, 1, scale, bias, epsilon, perSample: false);

    /// <summary>
    /// Group norm: for each sample (first axis) and each of <paramref name="groups"/> contiguous channel groups, the
    /// statistics run over every non-batch, non-channel axis and the group's channels.
    /// </summary>
    public static NDArray Group(NDArray input, int groups, float[] scale, float[] bias, double epsilon) =>
        Group(input, groups, scale, bias, epsilon, perSample: true);

    private static NDArray Group(NDArray input, int groups, float[] scale, float[] bias, double epsilon, bool perSample)
    {
        int[] xs = input.Shape;
        int c = xs[^1], groupSize = c / groups;
        int samples = perSample ? xs[0] : Grid.Size(xs) / c;
        int rowsPerSample = Grid.Size(xs) / c / samples;
        var x = input.ToArray<float>();
        var y = new float[x.Length];
        for (int s = 0; s < samples; s++)
            for (int g = 0; g < groups; g++)
            {
                var members = new List<int>();
                for (int r = 0; r < rowsPerSample; r++)
                    for (int f = g * groupSize; f < (g + 1) * groupSize; f++)
                        members.Add((s * rowsPerSample + r) * c + f);
                double mean = members.Average(i => (double)x[i]);
                double variance = members.Average(i => Math.Pow(x[i] - mean, 2));
                foreach (int i in members)
                    y[i] = (float)((x[i] - mean) / Math.Sqrt(variance + epsilon) * scale[i % c] + bias[i % c]);
            }
        return NDArray.From(y, xs);
    }
}
