namespace Flax;

/// <summary>Facts about each <see cref="DType"/>: element size, numpy name and the .NET element type.</summary>
public static class DTypes
{
    /// <summary>Bytes per element (<c>np.dtype(d).itemsize</c>).</summary>
    public static int ItemSize(this DType dtype) => dtype switch
    {
        DType.Float64 or DType.Int64 or DType.UInt64 => 8,
        DType.Float32 or DType.Int32 or DType.UInt32 => 4,
        DType.Float16 or DType.BFloat16 or DType.Int16 or DType.UInt16 => 2,
        DType.Int8 or DType.UInt8 or DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>The numpy name (<c>np.dtype(d).name</c>): <c>float32</c>, <c>bfloat16</c>, <c>uint8</c>, <c>bool</c>, ...</summary>
    public static string Name(this DType dtype) => dtype.ToString().ToLowerInvariant();

    /// <summary>Parses a numpy dtype name (<see cref="Name"/>'s inverse).</summary>
    /// <param name="name">A numpy dtype name such as <c>float32</c>.</param>
    /// <param name="dtype">The dtype, when known.</param>
    /// <returns>Whether <paramref name="name"/> names a supported dtype.</returns>
    public static bool TryParse(string name, out DType dtype)
    {
        foreach (var d in Enum.GetValues<DType>())
            if (d.Name() == name) { dtype = d; return true; }
        dtype = default;
        return false;
    }

    /// <summary>Whether the dtype is a floating-point type (<c>jnp.issubdtype(dtype, jnp.floating)</c>).</summary>
    public static bool IsFloat(this DType dtype) => dtype is DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16;

    /// <summary>Whether the dtype is a signed or unsigned integer type, not <see cref="DType.Bool"/> (<c>jnp.issubdtype(dtype, jnp.integer)</c>).</summary>
    public static bool IsInteger(this DType dtype) => !dtype.IsFloat() && dtype != DType.Bool;

    /// <summary>The dtype whose .NET element type is <typeparamref name="T"/> (<c>np.dtype(T)</c>); <see cref="Half"/> maps to Float16,
    /// <see cref="BFloat16"/> to BFloat16.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not an element type of any dtype.</exception>
    public static DType Of<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => DType.Float32,
        var t when t == typeof(double) => DType.Float64,
        var t when t == typeof(Half) => DType.Float16,
        var t when t == typeof(BFloat16) => DType.BFloat16,
        var t when t == typeof(sbyte) => DType.Int8,
        var t when t == typeof(short) => DType.Int16,
        var t when t == typeof(int) => DType.Int32,
        var t when t == typeof(long) => DType.Int64,
        var t when t == typeof(byte) => DType.UInt8,
        var t when t == typeof(ushort) => DType.UInt16,
        var t when t == typeof(uint) => DType.UInt32,
        var t when t == typeof(ulong) => DType.UInt64,
        var t when t == typeof(bool) => DType.Bool,
        _ => throw new NotSupportedException($"{typeof(T).Name} is not an array element type."),
    };
}
