namespace Flax.Ir;

internal static partial class Evaluator
{
    private static HostTensor DotGeneral(DotGeneralParams d, HostTensor lhs, HostTensor rhs, TensorType output)
    {
        int[] lhsFree = FreeAxes(lhs.Shape.Length, d.LhsBatch, d.LhsContracting);
        int[] rhsFree = FreeAxes(rhs.Shape.Length, d.RhsBatch, d.RhsContracting);
        int[] contracted = d.LhsContracting.Select(a => lhs.Shape[a]).ToArray();
        var (li, ri) = (new int[lhs.Shape.Length], new int[rhs.Shape.Length]);
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            int o = 0;
            for (int k = 0; k < d.LhsBatch.Length; k++, o++) (li[d.LhsBatch[k]], ri[d.RhsBatch[k]]) = (index[o], index[o]);
            foreach (int a in lhsFree) li[a] = index[o++];
            foreach (int a in rhsFree) ri[a] = index[o++];
            double sum = 0;
            HostTensor.ForEachIndex(contracted, c =>
            {
                for (int k = 0; k < c.Length; k++) (li[d.LhsContracting[k]], ri[d.RhsContracting[k]]) = (c[k], c[k]);
                sum += lhs[li] * rhs[ri];
            });
            return sum;
        });
    }

    private static int[] FreeAxes(int rank, IEnumerable<int> batch, IEnumerable<int> contracting) =>
        Enumerable.Range(0, rank).Except(batch).Except(contracting).ToArray();

    private static HostTensor Reduce(ReduceParams r, HostTensor x, TensorType output, double init, Func<double, double, double> combine)
    {
        var data = new double[NDArray.CheckedSize(output.Shape)];
        Array.Fill(data, init);
        var kept = new int[output.Rank];
        HostTensor.ForEachIndex(x.Shape, index =>
        {
            for (int a = 0, k = 0; a < index.Length; a++)
                if (!r.Axes.Contains(a)) kept[k++] = index[a];
            int o = HostTensor.Offset(output.Shape, kept);
            data[o] = combine(data[o], x[index]);
        });
        return new HostTensor(output.DType, output.Shape, data.Select(v => HostTensor.Round(output.DType, v)).ToArray());
    }

    /// <summary>
    /// Direct convolution: <c>out[n, o..., f] = sum over window k... and group channel c of
    /// lhs[n, p..., g*C/G + c] * rhs[k..., c, f]</c>, with <c>p = (o * stride + k * rhsDilation - low) / lhsDilation</c>
    /// when that divides exactly and lies inside lhs (else the term is 0) and g the group of f.
    /// </summary>
    private static HostTensor Conv(ConvParams c, HostTensor lhs, HostTensor rhs, TensorType output)
    {
        int n = lhs.Shape.Length - 2, inPerGroup = rhs.Shape[n], outPerGroup = rhs.Shape[n + 1] / c.FeatureGroupCount;
        int[] window = rhs.Shape[..n];
        var (li, ri) = (new int[n + 2], new int[n + 2]);
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            int feature = index[n + 1], group = feature / outPerGroup;
            double sum = 0;
            HostTensor.ForEachIndex(window, k =>
            {
                li[0] = index[0];
                for (int s = 0; s < n; s++)
                {
                    int p = index[s + 1] * c.WindowStrides[s] + k[s] * c.RhsDilation[s] - c.Padding[s].Low;
                    if (p < 0 || p % c.LhsDilation[s] != 0 || p / c.LhsDilation[s] >= lhs.Shape[s + 1]) return;
                    li[s + 1] = p / c.LhsDilation[s];
                    ri[s] = k[s];
                }
                ri[n + 1] = feature;
                for (int ch = 0; ch < inPerGroup; ch++)
                {
                    (li[n + 1], ri[n]) = (group * inPerGroup + ch, ch);
                    sum += lhs[li] * rhs[ri];
                }
            });
            return sum;
        });
    }

    /// <summary>ONNX ConvTranspose's definition, gathered per output element: <c>y[n, i, g*C/G + c]</c> sums
    /// <c>lhs[n, j, g*O/G + o] * rhs[k, c, g*O/G + o]</c> over the <c>j, k, o</c> with <c>j * s + k * d - low = i</c>.</summary>
    private static HostTensor ConvTranspose(ConvTransposeParams c, HostTensor lhs, HostTensor rhs, TensorType output)
    {
        int n = lhs.Shape.Length - 2, outPerGroup = rhs.Shape[n + 1] / c.FeatureGroupCount, perGroup = rhs.Shape[n];
        int[] window = rhs.Shape[..n];
        var (li, ri) = (new int[n + 2], new int[n + 2]);
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            int feature = index[n + 1], group = feature / perGroup;
            double sum = 0;
            HostTensor.ForEachIndex(window, k =>
            {
                li[0] = index[0];
                for (int s = 0; s < n; s++)
                {
                    int scaled = index[s + 1] + c.Padding[s].Low - k[s] * c.RhsDilation[s];
                    if (scaled < 0 || scaled % c.Strides[s] != 0 || scaled / c.Strides[s] >= lhs.Shape[s + 1]) return;
                    li[s + 1] = scaled / c.Strides[s];
                    ri[s] = k[s];
                }
                ri[n] = feature % perGroup;
                for (int o = 0; o < outPerGroup; o++)
                {
                    li[n + 1] = ri[n + 1] = group * outPerGroup + o;
                    sum += lhs[li] * rhs[ri];
                }
            });
            return sum;
        });
    }

    /// <summary>For each window <c>o</c>, adds <c>source[o]</c> at the first maximal element of <c>x</c> in the window in C
    /// order (positions outside <c>x</c> never win).</summary>
    private static HostTensor SelectAndScatterAdd(ReduceWindowParams r, HostTensor source, HostTensor x, TensorType output)
    {
        int[] window = r.WindowDimensions.ToArray();
        var data = new double[x.Data.Length];
        var at = new int[x.Shape.Length];
        HostTensor.ForEachIndex(source.Shape, index =>
        {
            int best = -1;
            HostTensor.ForEachIndex(window, w =>
            {
                for (int a = 0; a < at.Length; a++)
                {
                    at[a] = index[a] * r.WindowStrides[a] + w[a] - r.Padding[a].Low;
                    if (at[a] < 0 || at[a] >= x.Shape[a]) return;
                }
                int offset = HostTensor.Offset(x.Shape, at);
                if (best < 0 || x.Data[offset] > x.Data[best]) best = offset;
            });
            if (best >= 0) data[best] += source[index];
        });
        return new HostTensor(output.DType, x.Shape, [.. data.Select(v => HostTensor.Round(output.DType, v))]);
    }

    /// <summary><c>out[o...] = combine over window w... of x[o * stride + w - low]</c>, positions outside x giving
    /// <paramref name="init"/> (the padding value).</summary>
    private static HostTensor ReduceWindow(ReduceWindowParams r, HostTensor x, TensorType output, double init, Func<double, double, double> combine)
    {
        int[] window = r.WindowDimensions.ToArray();
        var source = new int[x.Shape.Length];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            double acc = init;
            HostTensor.ForEachIndex(window, w =>
            {
                for (int a = 0; a < source.Length; a++)
                {
                    source[a] = index[a] * r.WindowStrides[a] + w[a] - r.Padding[a].Low;
                    if (source[a] < 0 || source[a] >= x.Shape[a]) { acc = combine(acc, init); return; }
                }
                acc = combine(acc, x[source]);
            });
            return acc;
        });
    }
}
