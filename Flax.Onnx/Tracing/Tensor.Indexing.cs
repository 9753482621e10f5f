namespace Flax;

public sealed partial class Tensor
{
    /// <summary>
    /// Elements picked along <paramref name="axis"/> by integer <paramref name="indices"/> (<c>jnp.take(x, indices,
    /// axis)</c>, an embedding lookup with <c>axis = 0</c>); the result has shape
    /// <c>x.shape[:axis] + indices.shape + x.shape[axis+1:]</c>. Negative indices count from the end; indices outside
    /// <c>[-n, n)</c> are undefined.
    /// </summary>
    /// <exception cref="ArgumentException">The indices are not int32/int64, or the axis is out of range or dynamic.</exception>
    public Tensor Take(Tensor indices, int axis)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Bind(Primitive.Take, new AxisParams(NormalizeAxis(axis, Rank)), this, indices);
    }

    /// <summary>
    /// Elements picked along <paramref name="axis"/> by an index tensor of the same rank
    /// (<c>jnp.take_along_axis(x, indices, axis)</c>, a gather): <c>out[..., j, ...] = x[..., indices[..., j, ...], ...]</c>.
    /// Index range as for <see cref="Take"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The indices are not int32/int64, their rank differs, or their sizes
    /// differ from this tensor's off the axis.</exception>
    public Tensor TakeAlongAxis(Tensor indices, int axis)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Bind(Primitive.TakeAlongAxis, new AxisParams(NormalizeAxis(axis, Rank)), this, indices);
    }

    /// <summary>
    /// One-hot encoding (<c>jax.nn.one_hot(x, num_classes, dtype, axis)</c>): a new axis of
    /// <paramref name="numClasses"/> at <paramref name="axis"/> holding 1 where its coordinate equals the label and 0
    /// elsewhere (labels outside <c>[0, numClasses)</c> give all zeros).
    /// </summary>
    /// <exception cref="ArgumentException">The labels are bool, or the axis is out of range.</exception>
    public Tensor OneHot(int numClasses, DType dtype = DType.Float32, int axis = -1)
    {
        int at = NormalizeAxis(axis, Rank + 1);
        var classShape = Enumerable.Repeat(1, Rank + 1).ToArray();
        classShape[at] = numClasses;
        var trace = Recording;
        trace.Own(trace.Resolve(this));
        var classes = trace.Bind(Primitive.Iota, new IotaParams(DType, [.. classShape], at));
        return Equal(ExpandDims(at), classes).Cast(dtype);
    }

    /// <summary>
    /// <c>x.at[index].set(value)</c> with a traced integer <paramref name="index"/>: this tensor with row
    /// <paramref name="index"/> of its first axis replaced by <paramref name="value"/> (cast to this dtype, broadcast to
    /// the row's shape). As in JAX, an index outside <c>[0, n)</c> (a negative one too) updates nothing. Computed as a
    /// select on <c>iota == index</c>, so it is differentiable in this tensor and in <paramref name="value"/>.
    /// </summary>
    /// <param name="index">The row, an integer scalar tensor.</param>
    /// <param name="value">The new row.</param>
    /// <returns>The updated tensor.</returns>
    /// <exception cref="ArgumentException">This tensor is a scalar, <paramref name="index"/> is not an integer scalar, or
    /// <paramref name="value"/> does not broadcast to the row's shape.</exception>
    public Tensor AtSet(Tensor index, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(value);
        if (Rank == 0) throw new ArgumentException("AtSet updates a row of the first axis, but the tensor is a scalar.", nameof(index));
        if (index.Rank != 0 || !index.DType.IsInteger())
            throw new ArgumentException($"AtSet needs an integer scalar index, got {index.DType.Name()}{Shapes.Format(index.Shape)}.", nameof(index));
        var row = Shape[1..];
        if (value.Rank > row.Length || value.Shape.Select((d, k) => d != 1 && d != row[row.Length - value.Rank + k]).Any(bad => bad))
            throw new ArgumentException($"AtSet's value of shape {Shapes.Format(value.Shape)} does not broadcast to the row shape {Shapes.Format(row)}.", nameof(value));
        var mask = index.OneHot(Shape[0], DType.Bool, axis: 0).Reshape([Shape[0], .. Enumerable.Repeat(1, row.Length)]);
        return Where(mask, value.Cast(DType), this);
    }
}
