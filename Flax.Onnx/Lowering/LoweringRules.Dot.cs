namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <c>lax.dot_general</c>. When the batch axes lead on both sides in order, lhs contracts its last axis and rhs is
    /// <c>(batch..., k, n)</c> contracting <c>k</c> (every Dense layer), one MatMul. Without batch axes, float operands
    /// whose contracting axes lead (lhs) or trail (rhs) are read transposed by one Gemm (<c>transA</c>/<c>transB</c>,
    /// as in a kernel gradient), with no Transpose node; a long contraction runs in chunks (<see cref="ContractionChunks"/>,
    /// a convolution's kernel gradient). Otherwise Transpose both operands to
    /// <c>(batch, free, contracting)</c> and <c>(batch, contracting, free)</c>, Reshape each to rank
    /// <c>batch + 2</c>, MatMul, and Reshape the result to <c>(batch..., lhs free..., rhs free...)</c>.
    /// </summary>
    private static string DotGeneral(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (DotGeneralParams)eqn.Params;
        var lhs = In(eqn, 0).Dims;
        var rhs = In(eqn, 1).Dims;
        int nb = p.LhsBatch.Length;
        bool leadingBatch = Enumerable.Range(0, nb).All(i => p.LhsBatch[i] == i && p.RhsBatch[i] == i);
        if (leadingBatch && p.LhsContracting.Length == 1 && p.LhsContracting[0] == lhs.Length - 1
            && rhs.Length == nb + 2 && p.RhsContracting.Length == 1 && p.RhsContracting[0] == nb
            && (nb == 0 || lhs.Length == nb + 2))
            return g.Node("MatMul", inputs, output);

        var lhsFree = Enumerable.Range(0, lhs.Length).Where(a => !p.LhsBatch.Contains(a) && !p.LhsContracting.Contains(a)).ToArray();
        var rhsFree = Enumerable.Range(0, rhs.Length).Where(a => !p.RhsBatch.Contains(a) && !p.RhsContracting.Contains(a)).ToArray();
        var (m, k, n) = (Product(lhs, lhsFree), Product(lhs, p.LhsContracting), Product(rhs, rhsFree));
        if (nb == 0 && In(eqn).DType is DType.Float32 or DType.Float64)
        {
            bool transA = IsIdentity([.. p.LhsContracting, .. lhsFree]) && !IsIdentity([.. lhsFree, .. p.LhsContracting]);
            bool transB = IsIdentity([.. rhsFree, .. p.RhsContracting]) && !IsIdentity([.. p.RhsContracting, .. rhsFree]);
            if (transA || transB)
            {
                int[] lhsOrder = transA ? [.. p.LhsContracting, .. lhsFree] : [.. lhsFree, .. p.LhsContracting];
                int[] rhsOrder = transB ? [.. rhsFree, .. p.RhsContracting] : [.. p.RhsContracting, .. rhsFree];
                var lhs2 = Canonical(g, inputs[0], lhs, lhsOrder, transA ? [k, m] : [m, k]);
                var rhs2 = Canonical(g, inputs[1], rhs, rhsOrder, transB ? [n, k] : [k, n]);
                var gemm = g.Node("Gemm", [lhs2, rhs2], null, OnnxAttributes.Int("transA", transA ? 1 : 0), OnnxAttributes.Int("transB", transB ? 1 : 0));
                return g.Node("Reshape", [gemm, g.Shape(Out(eqn).Dims, minusOneInfers: true)], output);
            }
        }
        if (nb == 0 && In(eqn).DType is DType.Float32 or DType.Float64 && ContractionChunks(m, k, n) is > 1 and var chunks)
        {
            var lhs3 = Canonical(g, inputs[0], lhs, [.. lhsFree, .. p.LhsContracting], [m, chunks, k / chunks]);
            var rhs3 = Canonical(g, inputs[1], rhs, [.. p.RhsContracting, .. rhsFree], [chunks, k / chunks, n]);
            var partial = g.Node("MatMul", [g.Node("Transpose", lhs3, null, OnnxAttributes.Ints("perm", [1, 0, 2])), rhs3]);
            var sum = g.Node("ReduceSum", [partial, g.Int64s(0)], null, OnnxAttributes.Int("keepdims", 0));
            return g.Node("Reshape", [sum, g.Shape(Out(eqn).Dims, minusOneInfers: true)], output);
        }
        var batchDims = p.LhsBatch.Select(a => lhs[a]).ToArray();
        var a = Canonical(g, inputs[0], lhs, [.. p.LhsBatch, .. lhsFree, .. p.LhsContracting], [.. batchDims, m, k]);
        var b = Canonical(g, inputs[1], rhs, [.. p.RhsBatch, .. p.RhsContracting, .. rhsFree], [.. batchDims, Product(rhs, p.RhsContracting), n]);
        var product = g.Node("MatMul", [a, b]);
        return g.Node("Reshape", [product, g.Shape(Out(eqn).Dims, minusOneInfers: true)], output);
    }

    /// <summary>
    /// How many chunks a float32 or float64 product <c>(m, k) x (k, n)</c> contracts in: 4 for a long contraction (one over the batch, as a
    /// convolution's kernel gradient over the batch and every output position, whose static part per example divides
    /// by 4 into chunks of at least 16; or a static one of at least 64 times the larger output axis); otherwise 1.
    /// The chunks run as one batched MatMul (the lhs transposed chunk-major, which ONNX Runtime fuses into the MatMul)
    /// whose partial products a ReduceSum adds: MLAS splits one GEMM across threads by output tiles, which a small
    /// output does not have. Measured on the CNN's kernel gradients (first convolution m = 9, n = 32, k = 784 per image;
    /// second m = 288, n = 64, k = 196 per image): the first 1.3 to 2.2 times faster from batch 32 to 512, the second
    /// the same at batch 128 and 14% faster at 512.
    /// </summary>
    private static int ContractionChunks(int m, int k, int n)
    {
        const int chunks = 4;
        int known = Math.Abs(k);
        if (m < 0 || n < 0 || known % chunks != 0) return 1;
        return (k < 0 ? known / chunks >= 16 : known >= 64 * Math.Max(m, n)) ? chunks : 1;
    }

    /// <summary>Whether <paramref name="perm"/> is <c>0, 1, ..., n - 1</c>.</summary>
    private static bool IsIdentity(int[] perm) => perm.SequenceEqual(Enumerable.Range(0, perm.Length));

    /// <summary>Transposes <paramref name="x"/> by <paramref name="perm"/> (when not the identity) and reshapes it to
    /// <paramref name="dims"/> (when that changes the rank or sizes).</summary>
    private static string Canonical(GraphBuilder g, string x, IReadOnlyList<int> shape, int[] perm, int[] dims)
    {
        if (!perm.SequenceEqual(Enumerable.Range(0, perm.Length)))
            x = g.Node("Transpose", x, null, OnnxAttributes.Ints("perm", perm));
        var permuted = perm.Select(a => shape[a]);
        return permuted.SequenceEqual(dims) ? x : g.Node("Reshape", [x, g.Shape(dims, minusOneInfers: true)]);
    }

    /// <summary>The product of the sizes of <paramref name="axes"/>; <c>-k</c> (k times the batch size, see
    /// <see cref="GraphBuilder.Shape"/>) when one of them is dynamic.</summary>
    /// <exception cref="NotSupportedException">Two of the axes are dynamic.</exception>
    private static int Product(IReadOnlyList<int> shape, IEnumerable<int> axes)
    {
        int product = 1, dynamic = 0;
        foreach (var a in axes)
        {
            if (shape[a] < 0) dynamic++;
            else product *= shape[a];
        }
        if (dynamic > 1) throw new NotSupportedException("dot_general cannot merge two dynamic (batch) axes into one.");
        return dynamic == 1 ? -product : product;
    }
}
