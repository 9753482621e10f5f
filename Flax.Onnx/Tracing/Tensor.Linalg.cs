namespace Flax;

public sealed partial class Tensor
{
    /// <summary>
    /// The matrix product by NumPy rules (<c>jnp.matmul</c>, <c>a @ b</c>): a rank-1 operand is a row (left) or column
    /// (right) vector whose axis is removed from the result; leading batch axes broadcast. The operands' dtypes promote.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is a scalar, the contracted sizes differ, or the batch axes do
    /// not broadcast.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul needs operands of rank at least 1, got shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}.");
        var lhs = a.Rank == 1 ? a.ExpandDims(0) : a;
        var rhs = b.Rank == 1 ? b.ExpandDims(-1) : b;
        Tensor product;
        if (rhs.Rank == 2)
        {
            product = DotGeneral(lhs, rhs, ([lhs.Rank - 1], [0]));
        }
        else
        {
            var batch = BroadcastBatch(lhs, rhs);
            lhs = lhs.BroadcastTo([.. batch, .. lhs.Type.Dims[^2..]]);
            rhs = rhs.BroadcastTo([.. batch, .. rhs.Type.Dims[^2..]]);
            int[] batchAxes = [.. Enumerable.Range(0, batch.Length)];
            product = DotGeneral(lhs, rhs, ([lhs.Rank - 1], [rhs.Rank - 2]), (batchAxes, batchAxes));
        }
        if (a.Rank == 1) product = product.Squeeze(-2);
        return b.Rank == 1 ? product.Squeeze(-1) : product;
    }

    /// <summary>
    /// The general dot product (<c>lax.dot_general(lhs, rhs, dimension_numbers=((lc, rc), (lb, rb)))</c>): sums over
    /// paired contracting axes and pairs batch axes. Result axes: batch, then lhs's free axes, then rhs's free axes.
    /// The operands' dtypes promote.
    /// </summary>
    /// <param name="lhs">The left operand.</param>
    /// <param name="rhs">The right operand.</param>
    /// <param name="contracting">Contracted axes of lhs and of rhs, pairwise.</param>
    /// <param name="batch">Batch axes of lhs and of rhs, pairwise; none by default.</param>
    /// <exception cref="ArgumentException">Axes are out of range, repeated or unpaired, or paired sizes differ.</exception>
    public static Tensor DotGeneral(Tensor lhs, Tensor rhs, (int[] Lhs, int[] Rhs) contracting, (int[] Lhs, int[] Rhs) batch = default)
    {
        ArgumentNullException.ThrowIfNull(lhs);
        ArgumentNullException.ThrowIfNull(rhs);
        int[] Axes(int[]? axes, Tensor t) => (axes ?? []).Select(a => NormalizeAxis(a, t.Rank)).ToArray();
        var dtype = PromoteTypes(lhs.DType, rhs.DType);
        var parameters = new DotGeneralParams(
            [.. Axes(contracting.Lhs, lhs)], [.. Axes(contracting.Rhs, rhs)], [.. Axes(batch.Lhs, lhs)], [.. Axes(batch.Rhs, rhs)]);
        return Bind(Primitive.DotGeneral, parameters, lhs.Cast(dtype), rhs.Cast(dtype));
    }

    /// <summary>The NumPy broadcast of the batch axes (all but the last two) of two operands.</summary>
    private static int[] BroadcastBatch(Tensor a, Tensor b)
    {
        var (x, y) = (a.Type.Dims[..^2], b.Type.Dims[..^2]);
        int rank = Math.Max(x.Length, y.Length);
        var batch = new int[rank];
        for (int back = 1; back <= rank; back++)
        {
            int dx = x.Length >= back ? x[^back] : 1, dy = y.Length >= back ? y[^back] : 1;
            if (dx != dy && dx != 1 && dy != 1)
                throw new ArgumentException($"Incompatible shapes for broadcasting: shapes=[{Shapes.Format(x.AsSpan())}, {Shapes.Format(y.AsSpan())}] (the batch axes of MatMul operands {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)})");
            batch[rank - back] = dx == 1 ? dy : dx;
        }
        return batch;
    }
}
