using System.Collections.Immutable;

namespace Flax;

internal static partial class VjpRules
{
    /// <summary>
    /// <c>dot_general</c>: each operand's cotangent is a <c>dot_general</c> of the output cotangent with the other
    /// operand, contracting the other operand's free axes, then transposed back into the operand's axis order.
    /// </summary>
    private static Var?[] DotGeneral(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var d = (DotGeneralParams)e.Params;
        var (lhs, rhs) = (e.Inputs[0], e.Inputs[1]);
        return
        [
            needed[0] ? DotTransposeLhs(b, ct, lhs.Type.Rank, rhs, d.LhsContracting, d.RhsContracting, d.LhsBatch, d.RhsBatch, false) : null,
            needed[1] ? DotTransposeLhs(b, ct, rhs.Type.Rank, lhs, d.RhsContracting, d.LhsContracting, d.RhsBatch, d.LhsBatch, true) : null,
        ];
    }

    /// <summary>
    /// The cotangent of operand <c>x</c> of <c>dot_general(x, y)</c> (or of <c>dot_general(y, x)</c> when
    /// <paramref name="xIsRhs"/>): the output's axes are (batch, x's free axes, y's free axes), or (batch, y's free,
    /// x's free) when x is the rhs.
    /// </summary>
    private static Var DotTransposeLhs(GradBuilder b, Var ct, int xRank, Var y,
        ImmutableArray<int> xContract, ImmutableArray<int> yContract, ImmutableArray<int> xBatch, ImmutableArray<int> yBatch, bool xIsRhs)
    {
        var xFree = Enumerable.Range(0, xRank).Except(xContract).Except(xBatch).ToArray();
        var yFree = Enumerable.Range(0, y.Type.Rank).Except(yContract).Except(yBatch).ToArray();
        int batch = xBatch.Length;
        int yFreeStart = xIsRhs ? batch : batch + xFree.Length;
        var ctYFree = Enumerable.Range(yFreeStart, yFree.Length).ToImmutableArray();
        var ctBatch = Enumerable.Range(0, batch).ToImmutableArray();
        var dims = new DotGeneralParams(ctYFree, [.. yFree], ctBatch, yBatch);
        var product = b.Emit(Primitive.DotGeneral, dims, ct, y);
        // product axes: batch, x's free axes, then y's contracting axes in y's order, which pair with x's.
        var xContractByY = Enumerable.Range(0, yContract.Length).OrderBy(i => yContract[i]).Select(i => xContract[i]);
        var order = xBatch.Concat(xFree).Concat(xContractByY).ToArray();
        var permutation = new int[xRank];
        for (int i = 0; i < order.Length; i++) permutation[order[i]] = i;
        return b.Transpose(product, permutation);
    }

    /// <summary><c>reduce_sum</c>: the cotangent broadcast back over the reduced axes.</summary>
    private static Var?[] ReduceSum(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var axes = ((ReduceParams)e.Params).Axes;
        var dims = e.Inputs[0].Type.Dims;
        return [b.BroadcastInDim(ct, dims, Enumerable.Range(0, dims.Length).Except(axes))];
    }

    /// <summary>
    /// <c>reduce_max</c>/<c>reduce_min</c> (JAX's chooser rule): the cotangent is shared evenly among the elements
    /// equal to the result.
    /// </summary>
    private static Var?[] ReduceChooser(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var axes = ((ReduceParams)e.Params).Axes;
        var (x, result) = (e.Inputs[0], e.Outputs[0]);
        var dims = x.Type.Dims;
        var kept = Enumerable.Range(0, dims.Length).Except(axes).ToArray();
        var isChosen = b.Convert(b.Eq(x, b.BroadcastInDim(result, dims, kept)), ct.Type.DType);
        var share = b.Div(ct, b.ReduceSum(isChosen, axes));
        return [b.Mul(b.BroadcastInDim(share, dims, kept), isChosen)];
    }
}
