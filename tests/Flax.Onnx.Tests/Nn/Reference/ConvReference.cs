namespace Flax.Tests.Nn.Reference;

/// <summary>
/// Direct-loop N-d convolutions in Flax's layout (inputs <c>(batch, spatial..., features)</c>, kernels
/// <c>(spatial..., in_features / groups, out_features)</c>), computed in double precision: the independent
/// references for <c>Nn.Conv</c> and <c>Nn.ConvTranspose</c>.
/// </summary>
internal static class ConvReference
{
    /// <summary>
    /// <c>lax.conv_general_dilated</c> written out as a gather: output position <c>o</c> reads the padded,
    /// input-dilated input at <c>o * stride + k * kernelDilation - low</c> for every kernel tap <c>k</c>;
    /// an input-dilated position exists only at multiples of the input dilation.
    /// </summary>
    public static NDArray Conv(NDArray input, NDArray kernel, int[] strides, (int Low, int High)[] padding,
        int[] inputDilation, int[] kernelDilation, int groups)
    {
        int[] xs = input.Shape, ks = kernel.Shape;
        int n = xs.Length - 2, batch = xs[0], groupIn = ks[^2], outFeatures = ks[^1];
        int groupOut = outFeatures / groups;
        int[] inSpatial = xs[1..^1], kSpatial = ks[..^2], outSpatial = new int[n];
        for (int d = 0; d < n; d++)
        {
            int padded = padding[d].Low + padding[d].High + (inSpatial[d] == 0 ? 0 : (inSpatial[d] - 1) * inputDilation[d] + 1);
            int window = (kSpatial[d] - 1) * kernelDilation[d] + 1;
            outSpatial[d] = padded < window ? 0 : (padded - window) / strides[d] + 1;
        }
        int[] outShape = [batch, .. outSpatial, outFeatures];
        var x = input.ToArray<float>();
        var w = kernel.ToArray<float>();
        var y = new float[Grid.Size(outShape)];
        foreach (var o in Grid.Indices([batch, .. outSpatial, outFeatures]))
        {
            int f = o[^1], g = f / groupOut;
            double acc = 0;
            foreach (var k in Grid.Indices(kSpatial))
            {
                var at = new int[n];
                bool inside = true;
                for (int d = 0; d < n && inside; d++)
                {
                    int p = o[d + 1] * strides[d] + k[d] * kernelDilation[d] - padding[d].Low;
                    inside = p >= 0 && p % inputDilation[d] == 0 && p / inputDilation[d] < inSpatial[d];
                    at[d] = inside ? p / inputDilation[d] : 0;
                }
                if (!inside) continue;
                for (int c = 0; c < groupIn; c++)
                    acc += (double)x[Grid.Offset(xs, [o[0], .. at, g * groupIn + c])] * w[Grid.Offset(ks, [.. k, c, f])];
            }
            y[Grid.Offset(outShape, o)] = (float)acc;
        }
        return NDArray.From(y, outShape);
    }

    /// <summary>
    /// <c>lax.conv_transpose</c> (no kernel flip) written out as a scatter: input position <c>i</c> and kernel tap
    /// <c>k</c> add <c>x[i] * w[k]</c> to output position <c>i * stride + low - k * kernelDilation</c>, where
    /// <c>(low, high)</c> is the padding of the equivalent input-dilated convolution.
    /// </summary>
    public static NDArray ConvTranspose(NDArray input, NDArray kernel, int[] strides, (int Low, int High)[] padding, int[] kernelDilation)
    {
        int[] xs = input.Shape, ks = kernel.Shape;
        int n = xs.Length - 2, batch = xs[0], inFeatures = xs[^1], outFeatures = ks[^1];
        int[] inSpatial = xs[1..^1], kSpatial = ks[..^2], outSpatial = new int[n];
        for (int d = 0; d < n; d++)
        {
            int window = (kSpatial[d] - 1) * kernelDilation[d] + 1;
            outSpatial[d] = Math.Max(0, (inSpatial[d] - 1) * strides[d] + 1 + padding[d].Low + padding[d].High - window + 1);
        }
        int[] outShape = [batch, .. outSpatial, outFeatures];
        var x = input.ToArray<float>();
        var w = kernel.ToArray<float>();
        var acc = new double[Grid.Size(outShape)];
        foreach (var i in Grid.Indices(xs[..^1]))
            foreach (var k in Grid.Indices(kSpatial))
            {
                var o = new int[n];
                bool inside = true;
                for (int d = 0; d < n && inside; d++)
                {
                    o[d] = i[d + 1] * strides[d] + padding[d].Low - k[d] * kernelDilation[d];
                    inside = o[d] >= 0 && o[d] < outSpatial[d];
                }
                if (!inside) continue;
                for (int c = 0; c < inFeatures; c++)
                {
                    double xv = x[Grid.Offset(xs, [.. i, c])];
                    for (int f = 0; f < outFeatures; f++)
                        acc[Grid.Offset(outShape, [i[0], .. o, f])] += xv * w[Grid.Offset(ks, [.. k, c, f])];
                }
            }
        return NDArray.From(acc.Select(v => (float)v).ToArray(), outShape);
    }

    /// <summary>
    /// JAX's padding of the input-dilated convolution behind <c>conv_transpose</c> for <c>'SAME'</c>/<c>'VALID'</c>
    /// (<c>_conv_transpose_padding</c> with the dilated kernel size <paramref name="window"/>).
    /// </summary>
    public static (int Low, int High) TransposePadding(string padding, int window, int stride)
    {
        int low, total;
        if (padding == "SAME")
        {
            total = window + stride - 2;
            low = stride > window - 1 ? window - 1 : (total + 1) / 2;
        }
        else
        {
            total = window + stride - 2 + Math.Max(window - stride, 0);
            low = window - 1;
        }
        return (low, total - low);
    }
}
