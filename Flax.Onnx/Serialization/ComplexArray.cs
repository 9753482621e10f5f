using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Flax;

/// <summary>
/// A numpy array of <c>complex64</c> or <c>complex128</c> read from a Flax checkpoint, kept as its little-endian bytes
/// (real and imaginary parts interleaved) so that it writes back unchanged. Models do not compute with it (ONNX
/// Runtime has no complex tensors); it lets checkpoints that hold complex leaves load and round-trip.
/// </summary>
public sealed class ComplexArray
{
    private readonly byte[] _bytes;
    private readonly int[] _shape;

    /// <summary>A complex array of <paramref name="values"/> in C order.</summary>
    /// <param name="values">The elements, as many as <paramref name="shape"/> holds.</param>
    /// <param name="shape">The shape; empty for a 0-d array.</param>
    /// <param name="singlePrecision">Whether the dtype is <c>complex64</c> (two float32 parts) rather than
    /// <c>complex128</c>.</param>
    /// <exception cref="ArgumentException">The element count does not match the shape, a dimension is negative, or the
    /// shape has more than 64 dimensions (numpy's limit).</exception>
    public ComplexArray(Complex[] values, int[] shape, bool singlePrecision = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length > ArrayPayload.MaxRank)
            throw new ArgumentException($"A complex array has at most {ArrayPayload.MaxRank} dimensions, got {shape.Length}.", nameof(shape));
        if (shape.Any(d => d < 0) || shape.Aggregate(1L, (n, d) => n * d) != values.Length)
            throw new ArgumentException($"{values.Length} complex values do not fill the shape {Shapes.Format(shape)}.", nameof(values));
        (_shape, IsSinglePrecision) = ((int[])shape.Clone(), singlePrecision);
        _bytes = new byte[values.Length * ItemSize(singlePrecision)];
        for (int i = 0; i < values.Length; i++)
        {
            if (singlePrecision)
            {
                BinaryPrimitives.WriteSingleLittleEndian(_bytes.AsSpan(8 * i), (float)values[i].Real);
                BinaryPrimitives.WriteSingleLittleEndian(_bytes.AsSpan(8 * i + 4), (float)values[i].Imaginary);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(_bytes.AsSpan(16 * i), values[i].Real);
                BinaryPrimitives.WriteDoubleLittleEndian(_bytes.AsSpan(16 * i + 8), values[i].Imaginary);
            }
        }
    }

    private ComplexArray(byte[] bytes, int[] shape, bool singlePrecision) => (_bytes, _shape, IsSinglePrecision) = (bytes, shape, singlePrecision);

    /// <summary>The shape.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Whether the dtype is <c>complex64</c> rather than <c>complex128</c>.</summary>
    public bool IsSinglePrecision { get; }

    /// <summary>numpy's dtype name, <c>complex64</c> or <c>complex128</c>.</summary>
    public string DTypeName => IsSinglePrecision ? "complex64" : "complex128";

    /// <summary>The elements in C order (complex64 parts widened exactly to double).</summary>
    /// <returns>A new array.</returns>
    public Complex[] ToArray()
    {
        int size = ItemSize(IsSinglePrecision);
        var values = new Complex[_bytes.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            var item = _bytes.AsSpan(i * size, size);
            values[i] = IsSinglePrecision
                ? new Complex(BinaryPrimitives.ReadSingleLittleEndian(item), BinaryPrimitives.ReadSingleLittleEndian(item[4..]))
                : new Complex(BinaryPrimitives.ReadDoubleLittleEndian(item), BinaryPrimitives.ReadDoubleLittleEndian(item[8..]));
        }
        return values;
    }

    /// <summary>The dtype, shape and, for a 0-d array, the value, e.g. <c>complex64 (2, 3)</c> or <c>(1+2j)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        if (_shape.Length > 0) return $"{DTypeName} {Shapes.Format(_shape)}";
        var v = ToArray()[0];
        return string.Create(CultureInfo.InvariantCulture, $"({v.Real:R}{(double.IsNegative(v.Imaginary) ? "" : "+")}{v.Imaginary:R}j)");
    }

    /// <summary>The raw little-endian bytes.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    internal int[] ShapeArray => _shape;

    /// <summary>Whether <paramref name="name"/> is a complex dtype, and which.</summary>
    internal static bool TryParse(string name, out bool singlePrecision)
    {
        singlePrecision = name == "complex64";
        return singlePrecision || name == "complex128";
    }

    /// <summary>An array over bytes whose length the caller has checked against the shape.</summary>
    internal static ComplexArray FromBytes(byte[] bytes, int[] shape, bool singlePrecision) => new(bytes, shape, singlePrecision);

    internal static int ItemSize(bool singlePrecision) => singlePrecision ? 8 : 16;
}
