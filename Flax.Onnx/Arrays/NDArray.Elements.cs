namespace Flax;

public sealed partial class NDArray
{
    /// <summary>The element at flat C-order position <paramref name="index"/> widened to double (exact for every dtype
    /// except 64-bit integers beyond 2^53).</summary>
    internal double GetDouble(long index)
    {
        int i = checked((int)index);
        return DType switch
        {
            DType.Float32 => Span<float>()[i],
            DType.Float64 => Span<double>()[i],
            DType.Float16 => (double)Span<Half>()[i],
            DType.BFloat16 => (float)Span<BFloat16>()[i],
            DType.Int8 => Span<sbyte>()[i],
            DType.Int16 => Span<short>()[i],
            DType.Int32 => Span<int>()[i],
            DType.Int64 => Span<long>()[i],
            DType.UInt8 => _data[i],
            DType.UInt16 => Span<ushort>()[i],
            DType.UInt32 => Span<uint>()[i],
            DType.UInt64 => Span<ulong>()[i],
            DType.Bool => _data[i] != 0 ? 1 : 0,
            _ => throw new InvalidOperationException($"Unknown dtype {DType}."),
        };
    }

    /// <summary>The integer or bool element at flat position <paramref name="index"/>, exactly (a bool is 0 or 1).</summary>
    internal Int128 GetInteger(long index)
    {
        int i = checked((int)index);
        return DType switch
        {
            DType.Int8 => Span<sbyte>()[i],
            DType.Int16 => Span<short>()[i],
            DType.Int32 => Span<int>()[i],
            DType.Int64 => Span<long>()[i],
            DType.UInt8 or DType.Bool => _data[i],
            DType.UInt16 => Span<ushort>()[i],
            DType.UInt32 => Span<uint>()[i],
            DType.UInt64 => Span<ulong>()[i],
            _ => throw new InvalidOperationException($"{DType.Name()} is not an integer dtype."),
        };
    }
}
