namespace Flax;

/// <summary>
/// The <c>in_axis</c>, <c>out_axis</c> or <c>batch_axis</c> argument of <c>jax.nn.initializers.variance_scaling</c>: one
/// axis (an <see cref="int"/>, negative counts from the end) or several whose sizes multiply (an <c>int[]</c>; empty
/// means size 1). Converts implicitly from both.
/// </summary>
public readonly struct FanAxes
{
    private readonly int[]? _axes;
    private readonly int _axis;

    private FanAxes(int axis, int[]? axes)
    {
        _axis = axis;
        _axes = axes;
    }

    /// <summary>One axis (JAX's <c>in_axis=-2</c> form).</summary>
    /// <param name="axis">The axis; negative counts from the end.</param>
    public static implicit operator FanAxes(int axis) => new(axis, null);

    /// <summary>Several axes whose sizes multiply (JAX's tuple form, <c>in_axis=(0, 1)</c>; copied).</summary>
    /// <param name="axes">The axes; negative ones count from the end.</param>
    /// <exception cref="ArgumentNullException"><paramref name="axes"/> is null.</exception>
    public static implicit operator FanAxes(int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        return new(0, (int[])axes.Clone());
    }

    /// <summary>Whether this is the single axis <paramref name="axis"/> (JAX's <c>isinstance(a, int) and a == axis</c>).</summary>
    internal bool IsSingle(int axis) => _axes is null && _axis == axis;

    /// <summary>The product of the sizes of these axes in <paramref name="shape"/> (1 for no axes).</summary>
    /// <exception cref="ArgumentException">An axis is out of range for the shape.</exception>
    internal long Size(ReadOnlySpan<int> shape)
    {
        if (_axes is null) return shape[Resolve(_axis, shape)];
        long size = 1;
        foreach (int axis in _axes) size *= shape[Resolve(axis, shape)];
        return size;
    }

    private static int Resolve(int axis, ReadOnlySpan<int> shape)
    {
        int resolved = axis < 0 ? axis + shape.Length : axis;
        if ((uint)resolved >= (uint)shape.Length)
            throw new ArgumentException($"tuple index out of range: axis {axis} of a weights tensor of shape {Shapes.Format(shape)}");
        return resolved;
    }

    /// <summary>The axis or axes as Python prints them: <c>-2</c> or <c>(0, 1)</c>.</summary>
    public override string ToString() => _axes is null ? _axis.ToString(System.Globalization.CultureInfo.InvariantCulture) : Shapes.Format(_axes);
}
