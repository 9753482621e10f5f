using System.Runtime.InteropServices;

namespace Flax;

/// <summary>
/// An immutable dense host array (numpy's <c>ndarray</c> / a concrete <c>jax.Array</c> on the host): a dtype, a shape
/// and C-order (row-major) element storage in one contiguous, pinnable buffer.
/// </summary>
public sealed partial class NDArray : IShaped
{
    private readonly int[] _shape;
    private readonly byte[] _data;

    private NDArray(DType dtype, int[] shape, byte[] data)
    {
        DType = dtype;
        _shape = shape;
        _data = data;
    }

    /// <inheritdoc/>
    public DType DType { get; }

    /// <inheritdoc/>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The number of dimensions (<c>ndim</c>).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (<c>size</c>; 1 for a scalar).</summary>
    public long Size => _data.LongLength / DType.ItemSize();

    /// <summary>The shape without a copy, for hot internal paths.</summary>
    internal ReadOnlySpan<int> ShapeSpan => _shape;

    /// <summary>The raw little-endian C-order element bytes, without a copy.</summary>
    internal ReadOnlySpan<byte> Bytes => _data;

    /// <summary>The backing buffer itself (never written after construction), e.g. to pin it for ONNX Runtime.</summary>
    internal byte[] Buffer => _data;

    /// <summary>The elements as <typeparamref name="T"/>, without a copy.</summary>
    internal ReadOnlySpan<T> Span<T>() where T : unmanaged
    {
        CheckElementType<T>();
        return MemoryMarshal.Cast<byte, T>(_data);
    }

    /// <summary>Creates an array from elements in C order, copied (<c>np.array(data, dtype).reshape(shape)</c>).</summary>
    /// <param name="data">The elements; their count must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimension sizes; none given means a 1-D array of <paramref name="data"/>'s length, except
    /// that one element with no shape (or an explicit empty shape) gives a 0-d array.</param>
    /// <exception cref="ArgumentException">The element count does not match the shape, or a dimension is negative.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not an element type.</exception>
    public static NDArray From<T>(T[] data, params int[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 && data.Length != 1) shape = [data.Length];
        return FromBytes(DTypes.Of<T>(), shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
    }

    /// <summary>A 0-d array holding one value (<c>np.asarray(value)</c>).</summary>
    public static NDArray Scalar<T>(T value) where T : unmanaged =>
        FromBytes(DTypes.Of<T>(), [], MemoryMarshal.AsBytes(new[] { value }.AsSpan()).ToArray());

    /// <summary>
    /// Wraps raw little-endian C-order bytes as an array. The array takes ownership of <paramref name="data"/>:
    /// the caller must not change it afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">The byte count does not match the shape and dtype.</exception>
    internal static NDArray FromBytes(DType dtype, int[] shape, byte[] data)
    {
        long count = CheckedSize(shape);
        if (count * dtype.ItemSize() != data.LongLength)
            throw new ArgumentException($"An array of shape {Shapes.Format(shape)} and dtype {dtype.Name()} needs {count} elements, got {data.LongLength / dtype.ItemSize()}.");
        return new NDArray(dtype, (int[])shape.Clone(), data);
    }

    /// <summary>An array of zeros (<c>jnp.zeros(shape, dtype)</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A dimension is negative, or the array is too large for one buffer.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined <see cref="Flax.DType"/>.</exception>
    public static NDArray Zeros(DType dtype, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return FromBytes(dtype, shape, new byte[CheckedSize(shape, dtype.ItemSize()) * dtype.ItemSize()]);
    }

    /// <summary>An array of ones (<c>jnp.ones(shape, dtype)</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A dimension is negative, or the array is too large for one buffer.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined <see cref="Flax.DType"/>.</exception>
    public static NDArray Ones(DType dtype, params int[] shape) => Full(dtype, 1.0, shape);

    /// <summary>An array filled with <paramref name="value"/> converted to <paramref name="dtype"/> (<c>jnp.full</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A dimension is negative, or the array is too large for one buffer.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined <see cref="Flax.DType"/>.</exception>
    public static NDArray Full(DType dtype, double value, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var data = new byte[CheckedSize(shape, dtype.ItemSize()) * dtype.ItemSize()];
        switch (dtype)
        {
            case DType.Float32: MemoryMarshal.Cast<byte, float>(data.AsSpan()).Fill((float)value); break;
            case DType.Float64: MemoryMarshal.Cast<byte, double>(data.AsSpan()).Fill(value); break;
            case DType.Float16: MemoryMarshal.Cast<byte, Half>(data.AsSpan()).Fill((Half)value); break;
            case DType.BFloat16: MemoryMarshal.Cast<byte, BFloat16>(data.AsSpan()).Fill((BFloat16)(float)value); break;
            case DType.Int8: MemoryMarshal.Cast<byte, sbyte>(data.AsSpan()).Fill((sbyte)value); break;
            case DType.Int16: MemoryMarshal.Cast<byte, short>(data.AsSpan()).Fill((short)value); break;
            case DType.Int32: MemoryMarshal.Cast<byte, int>(data.AsSpan()).Fill((int)value); break;
            case DType.Int64: MemoryMarshal.Cast<byte, long>(data.AsSpan()).Fill((long)value); break;
            case DType.UInt8: data.AsSpan().Fill((byte)value); break;
            case DType.UInt16: MemoryMarshal.Cast<byte, ushort>(data.AsSpan()).Fill((ushort)value); break;
            case DType.UInt32: MemoryMarshal.Cast<byte, uint>(data.AsSpan()).Fill((uint)value); break;
            case DType.UInt64: MemoryMarshal.Cast<byte, ulong>(data.AsSpan()).Fill((ulong)value); break;
            case DType.Bool: data.AsSpan().Fill(value != 0 ? (byte)1 : (byte)0); break;
            default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype.");
        }
        return new NDArray(dtype, (int[])shape.Clone(), data);
    }

    /// <summary>A copy of the elements in C order (<c>np.asarray(x).ravel()</c>).</summary>
    /// <exception cref="InvalidCastException"><typeparamref name="T"/> is not this array's element type.</exception>
    public T[] ToArray<T>() where T : unmanaged => Span<T>().ToArray();

    /// <summary>The single element of a size-1 array (<c>x.item()</c>).</summary>
    /// <exception cref="InvalidOperationException">The array has more or fewer than one element.</exception>
    /// <exception cref="InvalidCastException"><typeparamref name="T"/> is not this array's element type.</exception>
    public T Item<T>() where T : unmanaged
    {
        if (Size != 1)
            throw new InvalidOperationException($"item() needs an array of size 1, got shape {Shapes.Format(_shape)}.");
        return Span<T>()[0];
    }

    /// <summary>The element at a full index, numpy's <c>x[i, j, ...]</c> (one coordinate per axis; negative coordinates count from the end).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="index"/> is null.</exception>
    /// <exception cref="ArgumentException">The index has the wrong rank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is out of range.</exception>
    /// <exception cref="InvalidCastException"><typeparamref name="T"/> is not this array's element type.</exception>
    public T Get<T>(params int[] index) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Rank)
            throw new ArgumentException($"Index of rank {index.Length} for an array of shape {Shapes.Format(_shape)}.", nameof(index));
        long flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int c = index[i] < 0 ? index[i] + _shape[i] : index[i];
            if ((uint)c >= (uint)_shape[i])
                throw new ArgumentOutOfRangeException(nameof(index), $"Index {index[i]} is out of bounds for axis {i} with size {_shape[i]}.");
            flat = flat * _shape[i] + c;
        }
        return Span<T>()[checked((int)flat)];
    }

    /// <summary>A new array with the same elements and another shape of the same size (<c>x.reshape(shape)</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">The sizes differ, or a dimension is negative.</exception>
    public NDArray Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (CheckedSize(shape) != Size)
            throw new ArgumentException($"cannot reshape array of size {Size} into shape {Shapes.Format(shape)}");
        return new NDArray(DType, (int[])shape.Clone(), _data);
    }

    private void CheckElementType<T>() where T : unmanaged
    {
        if (DTypes.Of<T>() != DType)
            throw new InvalidCastException($"This array holds {DType.Name()}, not {typeof(T).Name}.");
    }

    /// <summary>
    /// The element count of <paramref name="shape"/>, checked: no negative dimension, and the elements of
    /// <paramref name="itemSize"/> bytes fit one .NET array (overflowing products count as too large).
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the array is too large for one buffer.</exception>
    internal static long CheckedSize(ReadOnlySpan<int> shape, int itemSize = 1)
    {
        long n = 1;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] < 0) throw new ArgumentException($"negative dimensions are not allowed: axis {axis} has size {shape[axis]}.");
            n = n <= long.MaxValue / Math.Max(shape[axis], 1) ? n * shape[axis] : long.MaxValue;
        }
        if (n > Array.MaxLength / itemSize) throw new ArgumentException($"An array of shape {Shapes.Format(shape)} is too large for one buffer.");
        return n;
    }
}
