using System.Collections.Immutable;

namespace Flax;

public sealed partial class Tensor
{
    /// <summary>
    /// The same elements in C order with another shape (<c>x.reshape(shape)</c>). One entry may be -1 and is
    /// inferred, as in NumPy; when this tensor has a dynamic batch axis, the inferred entry must be exactly the batch
    /// size (<c>x.Reshape(-1, 16)</c> on a <c>(None, 4, 4)</c> tensor).
    /// </summary>
    /// <exception cref="ArgumentException">The sizes differ, or more than one entry is -1.</exception>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long known = 1;
        for (int axis = 0; axis < shape.Length; axis++)
            if (shape[axis] >= 0) known *= shape[axis];
            else if (shape[axis] < -1)
                throw new ArgumentException($"Invalid dimension {shape[axis]} at axis {axis}: sizes are non-negative, or -1 for the one inferred size.", nameof(shape));
        long size = Type.Dims.Where(d => d >= 0).Aggregate(1L, (n, d) => n * d);
        int inferredAt = Array.IndexOf(shape, -1), batchAxes = Type.Dims.Count(d => d < 0);
        bool ok = shape.Count(d => d == -1) switch
        {
            0 => batchAxes == 0 && known == size,
            1 => batchAxes == 0 ? known > 0 && size % known == 0 : batchAxes == 1 && known == size,
            _ => false,
        };
        if (!ok)
            throw new ArgumentException($"cannot reshape array of shape {Shapes.Format(Shape)} into shape ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")})" +
                (batchAxes > 0 ? " (None is the dynamic batch size, which must map to the one inferred -1 entry)" : ""), nameof(shape));
        var sizes = (int[])shape.Clone();
        if (inferredAt >= 0) sizes[inferredAt] = batchAxes > 0 ? -1 : (int)(size / known);
        return Reshaped([.. sizes]);
    }

    /// <summary>The <see cref="Primitive.Reshape"/> equation itself (IR sizes: -1 is the batch size).</summary>
    private Tensor Reshaped(ImmutableArray<int> sizes) =>
        sizes.AsSpan().SequenceEqual(Type.Dims.AsSpan()) ? this : Bind(Primitive.Reshape, new ReshapeParams(sizes), this);

    /// <summary>Permutes the axes (<c>jnp.transpose(x, axes)</c>); no axes reverses them.</summary>
    /// <exception cref="ArgumentException">The axes are not a permutation of this tensor's axes.</exception>
    public Tensor Transpose(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var perm = axes.Length == 0 ? Enumerable.Range(0, Rank).Reverse().ToArray() : axes.Select(a => NormalizeAxis(a, Rank)).ToArray();
        if (perm.Length != Rank || perm.Distinct().Count() != Rank)
            throw new ArgumentException($"axes {Shapes.Format(axes)} don't match array of shape {Shapes.Format(Shape)}", nameof(axes));
        return Bind(Primitive.Transpose, new TransposeParams([.. perm]), this);
    }

    /// <summary>Removes size-1 axes (<c>jnp.squeeze(x, axis)</c>); no axes removes every size-1 axis.</summary>
    /// <exception cref="ArgumentException">A named axis does not have size 1.</exception>
    public Tensor Squeeze(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var removed = axes.Length == 0 ? [.. Enumerable.Range(0, Rank).Where(a => Type.Dims[a] == 1)] : NormalizeAxes(axes, Rank);
        foreach (var a in removed)
            if (Type.Dims[a] != 1)
                throw new ArgumentException($"cannot select an axis to squeeze out which has size not equal to one, got shape={Shapes.Format(Shape)} and dimensions={Shapes.Format(axes)}", nameof(axes));
        return Reshaped([.. Enumerable.Range(0, Rank).Where(a => !removed.Contains(a)).Select(a => Type.Dims[a])]);
    }

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/> of the result (<c>jnp.expand_dims</c>; -1 appends).</summary>
    /// <exception cref="ArgumentException">The axis is out of range for the result.</exception>
    public Tensor ExpandDims(int axis)
    {
        int at = NormalizeAxis(axis, Rank + 1);
        return Reshaped(Type.Dims.Insert(at, 1));
    }

    /// <summary>Broadcasts to <paramref name="shape"/> by NumPy rules (<c>jnp.broadcast_to</c>); -1 in
    /// <paramref name="shape"/> is the batch size.</summary>
    /// <exception cref="ArgumentException">This shape does not broadcast to <paramref name="shape"/>.</exception>
    public Tensor BroadcastTo(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int offset = shape.Length - Rank;
        if (offset < 0 || Enumerable.Range(0, Rank).Any(a => Type.Dims[a] != 1 && Type.Dims[a] != shape[a + offset]))
            throw new ArgumentException($"Incompatible shapes for broadcasting: {Shapes.Format(Shape)} and requested shape {Shapes.Format(shape)}", nameof(shape));
        if (shape.Contains(-1) && !Trace.HasDynamicInput)
            throw new ArgumentException($"Cannot broadcast to {Shapes.Format(shape)}: the traced function has no input with a dynamic batch axis.", nameof(shape));
        if (shape.AsSpan().SequenceEqual(Type.Dims.AsSpan())) return this;
        return Bind(Primitive.BroadcastInDim, new BroadcastInDimParams([.. shape], [.. Enumerable.Range(offset, Rank)]), this);
    }

    /// <summary>Joins tensors along an existing axis (<c>jnp.concatenate(tensors, axis)</c>), promoting their dtypes.</summary>
    /// <exception cref="ArgumentException">No tensors, different ranks, other axes differ, or the axis is dynamic.</exception>
    public static Tensor Concat(IEnumerable<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var parts = tensors.ToArray();
        if (parts.Length == 0) throw new ArgumentException("Need at least one array to concatenate.", nameof(tensors));
        if (parts.Any(t => t is null)) throw new ArgumentNullException(nameof(tensors), "Concat got a null tensor.");
        string shapes = string.Join(", ", parts.Select(t => Shapes.Format(t.Shape)));
        if (parts.Any(t => t.Rank != parts[0].Rank))
            throw new ArgumentException($"Cannot concatenate arrays with different numbers of dimensions: got {shapes}.", nameof(tensors));
        int at = NormalizeAxis(axis, parts[0].Rank);
        if (parts.Any(t => Enumerable.Range(0, t.Rank).Any(a => a != at && t.Type.Dims[a] != parts[0].Type.Dims[a])))
            throw new ArgumentException($"Cannot concatenate arrays with shapes that differ in dimensions other than the one being concatenated: concatenating along dimension {at} for shapes {shapes}.", nameof(tensors));
        if (parts.Any(t => t.Type.Dims[at] < 0))
            throw new ArgumentException($"Cannot concatenate along the dynamic batch axis {at}: shapes {shapes}.", nameof(axis));
        var dtype = parts.Select(t => t.DType).Aggregate(PromoteTypes);
        return Bind(Primitive.Concatenate, new AxisParams(at), [.. parts.Select(t => t.Cast(dtype))]);
    }

    /// <summary>Splits into <paramref name="sections"/> equal parts along <paramref name="axis"/> (<c>jnp.split(x, sections, axis)</c>).</summary>
    /// <exception cref="ArgumentException">The axis size is not divisible by <paramref name="sections"/>, or the axis is dynamic.</exception>
    public Tensor[] Split(int sections, int axis = 0)
    {
        int at = NormalizeAxis(axis, Rank), size = Type.Dims[at];
        if (sections < 1 || size < 0 || size % sections != 0)
            throw new ArgumentException($"array split does not result in an equal division: axis {at} of shape {Shapes.Format(Shape)} into {sections} sections", nameof(sections));
        return Split([.. Enumerable.Range(1, sections - 1).Select(k => k * (size / sections))], axis);
    }

    /// <summary>Splits before each of the increasing <paramref name="indices"/> along <paramref name="axis"/>
    /// (<c>jnp.split(x, indices, axis)</c>): <c>[0, i0), [i0, i1), ..., [ik, size)</c>.</summary>
    /// <exception cref="ArgumentException">The indices decrease or leave the axis, or the axis is dynamic.</exception>
    public Tensor[] Split(int[] indices, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int at = NormalizeAxis(axis, Rank);
        var bounds = indices.Prepend(0).Append(Type.Dims[at]).ToArray();
        return [.. bounds.Zip(bounds.Skip(1), (start, limit) => SliceInDim(start, limit, 1, at))];
    }

    /// <summary>
    /// The strided box <c>x[start[0]:limit[0]:strides[0], ...]</c> (<c>lax.slice</c>): static, in-range bounds, one
    /// per axis; strides default to 1. A dynamic (batch) axis is kept whole: start 0, limit -1, stride 1.
    /// </summary>
    /// <exception cref="ArgumentException">The bounds do not fit the shape.</exception>
    public Tensor Slice(int[] start, int[] limit, int[]? strides = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(limit);
        var steps = strides ?? Enumerable.Repeat(1, start.Length).ToArray();
        return Bind(Primitive.Slice, new SliceParams([.. start], [.. limit], [.. steps]), this);
    }

    /// <summary><c>x[..., start:limit:stride, ...]</c> on one static axis (<c>lax.slice_in_dim</c>); negative
    /// <paramref name="start"/>/<paramref name="limit"/> count from the end.</summary>
    /// <exception cref="ArgumentException">The bounds do not fit the axis, or the axis is dynamic.</exception>
    public Tensor SliceInDim(int start, int limit, int stride = 1, int axis = 0)
    {
        int at = NormalizeAxis(axis, Rank), size = Type.Dims[at];
        if (size < 0)
            throw new ArgumentException($"Cannot slice the dynamic batch axis {at} of shape {Shapes.Format(Shape)}.", nameof(axis));
        var starts = Type.Dims.Select(d => 0).ToArray();
        var limits = Type.Dims.ToArray();
        var strides = Type.Dims.Select(d => 1).ToArray();
        (starts[at], limits[at], strides[at]) = (start < 0 ? start + size : start, limit < 0 ? limit + size : limit, stride);
        return Slice(starts, limits, strides);
    }

    /// <summary>Pads each axis with <c>padWidth[i].Low</c> values before and <c>padWidth[i].High</c> after
    /// (<c>jnp.pad(x, pad_width, constant_values=value)</c>).</summary>
    /// <exception cref="ArgumentException">Not one non-negative pair per axis, or padding on the dynamic axis.</exception>
    public Tensor Pad((int Low, int High)[] padWidth, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(padWidth);
        return Bind(Primitive.Pad, new PadParams([.. padWidth.Select(p => p.Low)], [.. padWidth.Select(p => p.High)], value), this);
    }
}
