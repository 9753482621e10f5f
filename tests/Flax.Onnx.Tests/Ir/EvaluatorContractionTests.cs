using Flax.Tests.Tracing;

namespace Flax.Tests.Ir;

/// <summary>
/// The evaluator's products, convolutions and windows against direct loops written here. Tolerance: float32 outputs
/// of double-precision sums, atol 1e-5 and rtol 1e-5.
/// </summary>
[TestClass]
public sealed class EvaluatorContractionTests
{
    [TestMethod]
    public void MatMul()
    {
        var random = new System.Random(1);
        float[] a = Traced.Uniform(random, 2 * 3), b = Traced.Uniform(random, 3 * 4);
        var expected = new double[2 * 4];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 3; k++) expected[i * 4 + j] += (double)a[i * 3 + k] * b[k * 4 + j];
        var y = Traced.Run(t => Tensor.MatMul(t[0], t[1]), NDArray.From(a, 2, 3), NDArray.From(b, 3, 4));
        CollectionAssert.AreEqual(new[] { 2, 4 }, y.Shape);
        Traced.AssertClose(expected, y);
    }

    [TestMethod]
    public void MatMulBroadcastsBatchAxes()
    {
        var random = new System.Random(2);
        float[] a = Traced.Uniform(random, 2 * 1 * 3 * 4), b = Traced.Uniform(random, 5 * 4 * 2);
        var expected = new double[2 * 5 * 3 * 2];
        for (int p = 0; p < 2; p++)
            for (int q = 0; q < 5; q++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 2; j++)
                        for (int k = 0; k < 4; k++)
                            expected[((p * 5 + q) * 3 + i) * 2 + j] += (double)a[(p * 3 + i) * 4 + k] * b[(q * 4 + k) * 2 + j];
        var y = Traced.Run(t => Tensor.MatMul(t[0], t[1]), NDArray.From(a, 2, 1, 3, 4), NDArray.From(b, 5, 4, 2));
        CollectionAssert.AreEqual(new[] { 2, 5, 3, 2 }, y.Shape);
        Traced.AssertClose(expected, y);
    }

    [TestMethod]
    public void DotGeneralWithBatchAxesInAnyPosition()
    {
        // lhs (3, 2, 4) with batch axis 1, contracting axis 2; rhs (4, 5, 2) with batch axis 2, contracting axis 0.
        var random = new System.Random(3);
        float[] a = Traced.Uniform(random, 3 * 2 * 4), b = Traced.Uniform(random, 4 * 5 * 2);
        var expected = new double[2 * 3 * 5];
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++)
                    for (int k = 0; k < 4; k++)
                        expected[(n * 3 + i) * 5 + j] += (double)a[(i * 2 + n) * 4 + k] * b[(k * 5 + j) * 2 + n];
        var y = Traced.Run(t => Tensor.DotGeneral(t[0], t[1], ([2], [0]), ([1], [2])), NDArray.From(a, 3, 2, 4), NDArray.From(b, 4, 5, 2));
        CollectionAssert.AreEqual(new[] { 2, 3, 5 }, y.Shape);
        Traced.AssertClose(expected, y);
    }

    [TestMethod]
    [DataRow(new[] { 1, 1 }, "SAME", new[] { 1, 1 }, new[] { 1, 1 }, 1, DisplayName = "plain SAME")]
    [DataRow(new[] { 2, 2 }, "SAME", new[] { 1, 1 }, new[] { 1, 1 }, 1, DisplayName = "strided SAME")]
    [DataRow(new[] { 1, 2 }, "VALID", new[] { 1, 1 }, new[] { 2, 1 }, 1, DisplayName = "kernel dilation VALID")]
    [DataRow(new[] { 1, 1 }, "1,1,2,0", new[] { 2, 2 }, new[] { 1, 1 }, 1, DisplayName = "input dilation, explicit padding")]
    [DataRow(new[] { 2, 1 }, "0,-1,1,1", new[] { 1, 1 }, new[] { 1, 2 }, 2, DisplayName = "two groups, negative padding")]
    public void ConvGeneralDilated(int[] strides, string padding, int[] lhsDilation, int[] rhsDilation, int groups)
    {
        const int n = 2, h = 6, w = 5, c = 4, kh = 3, kw = 2, o = 6;
        var random = new System.Random(4);
        float[] x = Traced.Uniform(random, n * h * w * c), k = Traced.Uniform(random, kh * kw * (c / groups) * o);
        var pad = padding switch
        {
            "SAME" => Padding.Same,
            "VALID" => Padding.Valid,
            _ => Padding.Explicit(Pairs(padding)),
        };
        var y = Traced.Run(t => Tensor.ConvGeneralDilated(t[0], t[1], strides, pad, lhsDilation, rhsDilation, groups),
            NDArray.From(x, n, h, w, c), NDArray.From(k, kh, kw, c / groups, o));

        // Independent reference: materialize the dilated, padded input, then slide the dilated kernel over it.
        int[] sizes = [h, w], window = [kh, kw];
        var pads = new (int Low, int High)[2];
        for (int s = 0; s < 2; s++)
        {
            int dk = (window[s] - 1) * rhsDilation[s] + 1;
            pads[s] = padding switch
            {
                "VALID" => (0, 0),
                "SAME" => SamePads(sizes[s], dk, strides[s]),
                _ => Pairs(padding)[s],
            };
        }
        int ph = (h - 1) * lhsDilation[0] + 1 + pads[0].Low + pads[0].High, pw = (w - 1) * lhsDilation[1] + 1 + pads[1].Low + pads[1].High;
        var padded = new double[n, ph, pw, c];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        int pi = i * lhsDilation[0] + pads[0].Low, pj = j * lhsDilation[1] + pads[1].Low;
                        if (pi >= 0 && pi < ph && pj >= 0 && pj < pw) padded[b, pi, pj, ch] = x[((b * h + i) * w + j) * c + ch];
                    }
        int oh = (ph - ((kh - 1) * rhsDilation[0] + 1)) / strides[0] + 1, ow = (pw - ((kw - 1) * rhsDilation[1] + 1)) / strides[1] + 1;
        int cin = c / groups, outPerGroup = o / groups;
        var expected = new double[n * oh * ow * o];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int f = 0; f < o; f++)
                        for (int u = 0; u < kh; u++)
                            for (int v = 0; v < kw; v++)
                                for (int ch = 0; ch < cin; ch++)
                                    expected[((b * oh + i) * ow + j) * o + f] +=
                                        padded[b, i * strides[0] + u * rhsDilation[0], j * strides[1] + v * rhsDilation[1], f / outPerGroup * cin + ch]
                                        * k[((u * kw + v) * cin + ch) * o + f];
        CollectionAssert.AreEqual(new[] { n, oh, ow, o }, y.Shape);
        Traced.AssertClose(expected, y);
    }

    [TestMethod]
    [DataRow(true, DisplayName = "max")]
    [DataRow(false, DisplayName = "sum")]
    public void ReduceWindowPoolsWithPaddingAndStrides(bool max)
    {
        const int n = 2, h = 5, w = 4, c = 3;
        var random = new System.Random(5);
        float[] x = Traced.Uniform(random, n * h * w * c);
        int[] window = [1, 3, 2, 1], strides = [1, 2, 1, 1];
        (int Low, int High)[] pads = [(0, 0), (1, 1), (0, 1), (0, 0)];
        var y = Traced.Run(t => max ? t[0].ReduceWindowMax(window, strides, Padding.Explicit(pads)) : t[0].ReduceWindowSum(window, strides, Padding.Explicit(pads)),
            NDArray.From(x, n, h, w, c));
        int oh = (h + 2 - 3) / 2 + 1, ow = (w + 1 - 2) / 1 + 1;
        var expected = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        double acc = max ? double.NegativeInfinity : 0;
                        for (int u = 0; u < 3; u++)
                            for (int v = 0; v < 2; v++)
                            {
                                int pi = i * 2 + u - 1, pj = j + v;
                                double value = pi >= 0 && pi < h && pj < w ? x[((b * h + pi) * w + pj) * c + ch] : max ? double.NegativeInfinity : 0;
                                acc = max ? Math.Max(acc, value) : acc + value;
                            }
                        expected[((b * oh + i) * ow + j) * c + ch] = acc;
                    }
        CollectionAssert.AreEqual(new[] { n, oh, ow, c }, y.Shape);
        Traced.AssertClose(expected, y);
    }

    /// <summary>"1,1,2,0" -> [(1, 1), (2, 0)].</summary>
    private static (int Low, int High)[] Pairs(string text) =>
        [.. text.Split(',').Select(int.Parse).Chunk(2).Select(p => (p[0], p[1]))];

    private static (int, int) SamePads(int size, int window, int stride)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - size, 0);
        return (total / 2, total - total / 2);
    }
}
