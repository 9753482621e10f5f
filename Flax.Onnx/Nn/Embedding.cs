namespace Flax;

/// <summary>
/// An embedding table returned by <see cref="Nn.Embedding"/> (<c>flax.core.nn.Embedding</c>): looks up rows by integer
/// index and attends queries over all rows.
/// </summary>
/// <param name="Table">The table, <c>(num_embeddings, features)</c>.</param>
public sealed record Embedding(Tensor Table)
{
    /// <summary>
    /// The rows at <paramref name="indices"/> (<c>Embedding.lookup</c>, <c>jnp.take(table, indices, axis=0)</c>): the
    /// result has shape <c>indices.shape + (features,)</c>. Out-of-range indices follow <c>jnp.take</c>'s default
    /// <c>mode="fill"</c>: a negative index from <c>-num_embeddings</c> counts from the end, and any other index outside
    /// the table gives a row of NaN (for a floating-point table) instead of failing the run.
    /// </summary>
    /// <param name="indices">int32, int64, uint32 or uint64 indices; every axis is a batch axis.</param>
    /// <returns>The embedded indices.</returns>
    /// <exception cref="ArgumentException">The indices are not of an integer dtype Flax accepts
    /// (<c>Input type must be an integer or unsigned integer.</c>).</exception>
    public Tensor Lookup(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.DType is not (DType.Int32 or DType.Int64 or DType.UInt32 or DType.UInt64))
            throw new ArgumentException("Input type must be an integer or unsigned integer.", nameof(indices));
        bool signed = indices.DType is DType.Int32 or DType.Int64;
        var index = signed ? indices : indices.Cast(DType.Int64);
        if (Table.DType is not (DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16)) return Table.Take(index, 0);
        int rows = Table.Shape[0];
        if (signed) index = Tensor.Where(index < 0, index + rows, index);
        var valid = (index >= 0) & (index < rows);
        var found = Table.Take(Tensor.Where(valid, index, 0), 0);
        return Tensor.Where(valid.ExpandDims(-1), found, double.NaN);
    }

    /// <summary>
    /// The inner products of <paramref name="query"/> with every row (<c>Embedding.attend</c>,
    /// <c>query @ table.T</c>), e.g. to share weights between an embedding and the output logits.
    /// </summary>
    /// <param name="query">The queries, <c>(..., features)</c>.</param>
    /// <returns>The scores, <c>(..., num_embeddings)</c>.</returns>
    /// <exception cref="ArgumentException">The last axis of <paramref name="query"/> is not <c>features</c>.</exception>
    public Tensor Attend(Tensor query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Tensor.DotGeneral(query, Table, ([query.Rank - 1], [1]));
    }
}
