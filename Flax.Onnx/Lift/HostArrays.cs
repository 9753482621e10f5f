namespace Flax;

/// <summary>Host-side array helpers of the lifted transforms: stacking the values created by each index of a <c>vmap</c>,
/// and the arrays of variable leaves written as numbers.</summary>
internal static class HostArrays
{
    /// <summary><c>jnp.stack(parts, axis)</c>: arrays of one dtype and shape joined along a new axis.</summary>
    /// <exception cref="ArgumentException">The parts differ in dtype or shape, or the axis is out of range.</exception>
    internal static NDArray Stack(IReadOnlyList<NDArray> parts, int axis)
    {
        var first = parts[0];
        if (parts.Any(p => p.DType != first.DType || !p.ShapeSpan.SequenceEqual(first.ShapeSpan)))
            throw new ArgumentException($"all input arrays must have the same shape and dtype, got {string.Join(", ", parts.Select(p => Shapes.Format(p.Shape)))}");
        if (axis < 0 || axis > first.Rank)
            throw new ArgumentException($"axis {axis} is out of bounds for array of dimension {first.Rank + 1}");
        var shape = first.Shape.ToList();
        shape.Insert(axis, parts.Count);
        long outer = 1;
        for (int a = 0; a < axis; a++) outer *= first.ShapeSpan[a];
        int block = checked((int)(first.Bytes.Length / Math.Max(outer, 1)));
        var data = new byte[checked(first.Bytes.Length * parts.Count)];
        for (long o = 0; o < outer; o++)
            for (int i = 0; i < parts.Count; i++)
                parts[i].Bytes.Slice((int)(o * block), block).CopyTo(data.AsSpan((int)((o * parts.Count + i) * block), block));
        return NDArray.FromBytes(first.DType, [.. shape], data);
    }

    /// <summary>A variable leaf as an array: an array as it is, a number written by a function (a counter) as a scalar
    /// (int → int32, float and double → float32, bool → bool); null for any other leaf.</summary>
    internal static NDArray? FromLeaf(object value) => value switch
    {
        NDArray a => a,
        int i => NDArray.Scalar(i),
        float f => NDArray.Scalar(f),
        double d => NDArray.Scalar((float)d),
        bool b => NDArray.Scalar(b),
        _ => null,
    };
}
