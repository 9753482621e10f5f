using System.Globalization;

namespace Flax;

/// <summary>
/// Flax's <c>InOutAxis</c> (<c>Union[Axis, In[Axis], Out[Axis]]</c>): the axis of a collection in a lifted transform's
/// <c>variable_axes</c>, or null for a collection shared by every index, and the directions it is lifted in. A plain
/// axis (an <c>int</c> or null converts implicitly) lifts the collection in and out; <see cref="Lift.In(int?)"/> lifts it
/// in only (the body reads it and cannot change it), <see cref="Lift.Out(int?)"/> out only (the body does not see its
/// values and what it writes there comes out stacked on the axis).
/// </summary>
public readonly record struct InOutAxis
{
    private enum Direction { Both, In, Out }

    private readonly Direction _direction;

    private InOutAxis(int? axis, Direction direction) => (Axis, _direction) = (axis, direction);

    /// <summary>The axis (negative counts from the end), or null for a shared collection.</summary>
    public int? Axis { get; }

    /// <summary>Whether the collection is lifted into the transform (not <c>Out</c>).</summary>
    public bool IsIn => _direction != Direction.Out;

    /// <summary>Whether the collection is lifted out of the transform (not <c>In</c>).</summary>
    public bool IsOut => _direction != Direction.In;

    /// <summary>A plain axis: the collection is lifted in and out.</summary>
    public static implicit operator InOutAxis(int? axis) => new(axis, Direction.Both);

    internal static InOutAxis In(int? axis) => new(axis, Direction.In);

    internal static InOutAxis Out(int? axis) => new(axis, Direction.Out);

    /// <summary>Flax's repr: <c>0</c>, <c>None</c>, <c>In(axis=0)</c>, <c>Out(axis=None)</c>.</summary>
    public override string ToString()
    {
        var axis = Axis?.ToString(CultureInfo.InvariantCulture) ?? "None";
        return _direction switch { Direction.In => $"In(axis={axis})", Direction.Out => $"Out(axis={axis})", _ => axis };
    }
}

public static partial class Lift
{
    /// <summary>Flax's <c>lift.In(axis)</c>: in <c>variable_axes</c>, a collection lifted into the transform only (read
    /// inside on <paramref name="axis"/>, immutable there, not written back).</summary>
    /// <param name="axis">The axis, or null for shared.</param>
    public static InOutAxis In(int? axis) => InOutAxis.In(axis);

    /// <summary>Flax's <c>lift.Out(axis)</c>: in <c>variable_axes</c>, a collection lifted out of the transform only (its
    /// existing values are not visible inside; what the body creates or writes there comes out on
    /// <paramref name="axis"/>).</summary>
    /// <param name="axis">The axis, or null for shared.</param>
    public static InOutAxis Out(int? axis) => InOutAxis.Out(axis);
}
