using System.Collections.Immutable;
using System.Globalization;

namespace Flax.Ir;

/// <summary>
/// The abstract value of an IR variable (JAX's <c>ShapedArray</c>): a dtype and a shape whose entries are sizes, or -1
/// for the program's dynamic <c>batch</c> size. Compares by value. Prints like a jaxpr type: <c>f32[?,4]</c>.
/// </summary>
public sealed class TensorType : IShaped, IEquatable<TensorType>
{
    /// <summary>Creates a type.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="dims">The dimension sizes; -1 marks the dynamic batch size.</param>
    /// <exception cref="ArgumentException">A size is below -1.</exception>
    public TensorType(DType dtype, ImmutableArray<int> dims)
    {
        if (dims.IsDefault) throw new ArgumentException("The dims of a tensor type must not be a default array.", nameof(dims));
        for (int axis = 0; axis < dims.Length; axis++)
            if (dims[axis] < -1)
                throw new ArgumentException($"Invalid dimension {dims[axis]} at axis {axis}: sizes are non-negative, or -1 for the dynamic batch size.", nameof(dims));
        DType = dtype;
        Dims = dims;
    }

    /// <summary>Creates a type from a shape array (copied).</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The dimension sizes; -1 marks the dynamic batch size.</param>
    /// <exception cref="ArgumentException">A size is below -1.</exception>
    public TensorType(DType dtype, params int[] shape) : this(dtype, ImmutableArray.Create(shape)) { }

    /// <inheritdoc/>
    public DType DType { get; }

    /// <summary>The dimension sizes, -1 for the dynamic batch size.</summary>
    public ImmutableArray<int> Dims { get; }

    /// <inheritdoc/>
    public int[] Shape => Dims.ToArray();

    /// <summary>The number of axes.</summary>
    public int Rank => Dims.Length;

    /// <summary>Whether some axis has the dynamic size -1.</summary>
    public bool IsDynamic => Dims.Contains(-1);

    /// <summary>The same shape with another dtype.</summary>
    public TensorType WithDType(DType dtype) => dtype == DType ? this : new TensorType(dtype, Dims);

    /// <inheritdoc/>
    public bool Equals(TensorType? other) =>
        other is not null && DType == other.DType && Dims.AsSpan().SequenceEqual(other.Dims.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorType);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(DType);
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>The jaxpr-style text: a short dtype name and the sizes, <c>?</c> for the batch size
    /// (<c>f32[?,4]</c>, <c>i32[]</c>, <c>bool[3]</c>).</summary>
    public override string ToString() =>
        ShortName(DType) + "[" + string.Join(",", Dims.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>JAX's short dtype names: <c>f32</c>, <c>bf16</c>, <c>i64</c>, <c>u8</c>, <c>bool</c>.</summary>
    internal static string ShortName(DType dtype) => dtype switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        DType.Float16 => "f16",
        DType.BFloat16 => "bf16",
        DType.Int8 => "i8",
        DType.Int16 => "i16",
        DType.Int32 => "i32",
        DType.Int64 => "i64",
        DType.UInt8 => "u8",
        DType.UInt16 => "u16",
        DType.UInt32 => "u32",
        DType.UInt64 => "u64",
        DType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
