namespace Flax.Tests.Nn.Reference;

/// <summary>
/// Direct-loop window reductions over the spatial axes of <c>(batch, spatial..., features)</c> inputs, in double
/// precision: the independent references for <c>Nn.MaxPool</c> and <c>Nn.AvgPool</c>.
/// </summary>
internal static class PoolReference
{
    /// <summary>The maximum over each window; padded positions count as -inf.</summary>
    public static NDArray Max(NDArray input, int[] window, int[] strides, (int Low, int High)[] padding) =>
        Reduce(input, window, strides, padding, values => values.Count == 0 ? double.NegativeInfinity : values.Max());

    /// <summary>
    /// The mean over each window: the sum of the real elements divided by the window size when
    /// <paramref name="countIncludePad"/>, else by the number of real (unpadded) elements.
    /// </summary>
    public static NDArray Avg(NDArray input, int[] window, int[] strides, (int Low, int High)[] padding, bool countIncludePad)
    {
        int size = window.Aggregate(1, (a, d) => a * d);
        return Reduce(input, window, strides, padding, values => values.Sum() / (countIncludePad ? size : values.Count));
    }

    /// <summary>JAX's <c>padtype_to_pads</c> for one axis: SAME pads to <c>ceil(n / stride)</c> outputs, the odd one at the end.</summary>
    public static (int Low, int High) Pads(string padding, int size, int window, int stride)
    {
        if (padding == "VALID") return (0, 0);
        int outSize = (size + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + window - size, 0);
        return (total / 2, total - total / 2);
    }

    private static NDArray Reduce(NDArray input, int[] window, int[] strides, (int Low, int High)[] padding,
        Func<List<double>, double> reduce)
    {
        int[] xs = input.Shape;
        int n = window.Length, batch = xs[0], features = xs[^1];
        int[] inSpatial = xs[1..^1], outSpatial = new int[n];
        for (int d = 0; d < n; d++)
        {
            int padded = inSpatial[d] + padding[d].Low + padding[d].High;
            outSpatial[d] = padded < window[d] ? 0 : (padded - window[d]) / strides[d] + 1;
        }
        int[] outShape = [batch, .. outSpatial, features];
        var x = input.ToArray<float>();
        var y = new float[Grid.Size(outShape)];
        foreach (var o in Grid.Indices(outShape))
        {
            var values = new List<double>();
            foreach (var k in Grid.Indices(window))
            {
                var at = new int[n];
                bool inside = true;
                for (int d = 0; d < n && inside; d++)
                {
                    at[d] = o[d + 1] * strides[d] + k[d] - padding[d].Low;
                    inside = at[d] >= 0 && at[d] < inSpatial[d];
                }
                if (inside) values.Add(x[Grid.Offset(xs, [o[0], .. at, o[^1]])]);
            }
            y[Grid.Offset(outShape, o)] = (float)reduce(values);
        }
        return NDArray.From(y, outShape);
    }
}
