namespace Flax;

/// <summary>
/// A numpy scalar leaf (msgpack extension 3) whose kind would otherwise be lost: <c>np.int64</c>, <c>np.float64</c> and
/// <c>np.bool_</c> read as <see cref="NumpyScalar{T}"/> of <see cref="long"/>, <see cref="double"/> and
/// <see cref="bool"/> (a bare <see cref="long"/>, <see cref="double"/> or <see cref="bool"/> is Python's own int, float
/// or bool, which Flax writes as plain msgpack), and <c>np.complex64</c> / <c>np.complex128</c> as a
/// <see cref="NumpyScalar{T}"/> of a 0-d <see cref="ComplexArray"/>. Writing one back writes the same numpy scalar, so
/// a checkpoint round-trips byte for byte. Numpy scalars of other dtypes read as their .NET values (<c>np.float32</c> is
/// <see cref="float"/>, ...), which have no other msgpack form.
/// </summary>
/// <typeparam name="T"><see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or a 0-d <see cref="ComplexArray"/>.</typeparam>
/// <param name="Value">The scalar's value.</param>
public readonly record struct NumpyScalar<T>(T Value) where T : notnull
{
    /// <summary>The value and its numpy type, e.g. <c>np.int64(3)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Value switch
    {
        long v => $"np.int64({v})",
        double v => $"np.float64({v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})",
        bool v => v ? "np.True_" : "np.False_",
        ComplexArray v => $"np.{v.DTypeName}({v})",
        _ => $"np({Value})",
    };
}
