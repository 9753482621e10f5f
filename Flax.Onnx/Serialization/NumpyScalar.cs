using System.Diagnostics.CodeAnalysis;

namespace Flax;

/// <summary>
/// Numpy scalars (<c>np.float32(1.0)</c>, msgpack extension 3) as .NET values: each dtype maps to its element type
/// (<see cref="float"/>, <see cref="Half"/>, <see cref="BFloat16"/>, <see cref="int"/>, ...). Python's own scalars have
/// plain msgpack forms instead, so <see cref="long"/>, <see cref="double"/> and <see cref="bool"/> are written natively,
/// and <c>np.int64</c>, <c>np.float64</c>, <c>np.bool_</c> and the complex dtypes keep their kind as
/// <see cref="NumpyScalar{T}"/>.
/// </summary>
internal static class NumpyScalar
{
    /// <summary>The .NET value held by a 0-d array.</summary>
    internal static object ToValue(NDArray scalar) => scalar.DType switch
    {
        DType.Float32 => scalar.Item<float>(),
        DType.Float64 => new NumpyScalar<double>(scalar.Item<double>()),
        DType.Float16 => scalar.Item<Half>(),
        DType.BFloat16 => scalar.Item<BFloat16>(),
        DType.Int8 => scalar.Item<sbyte>(),
        DType.Int16 => scalar.Item<short>(),
        DType.Int32 => scalar.Item<int>(),
        DType.Int64 => new NumpyScalar<long>(scalar.Item<long>()),
        DType.UInt8 => scalar.Item<byte>(),
        DType.UInt16 => scalar.Item<ushort>(),
        DType.UInt32 => scalar.Item<uint>(),
        DType.UInt64 => scalar.Item<ulong>(),
        _ => new NumpyScalar<bool>(scalar.Bytes[0] != 0),
    };

    /// <summary>The 0-d array for a .NET value that Flax writes as a numpy scalar.</summary>
    /// <returns>Whether <paramref name="value"/> is such a value (not <see cref="long"/>, <see cref="double"/> or
    /// <see cref="bool"/>, which are written as Python's int, float and bool).</returns>
    internal static bool TryToArray(object value, [NotNullWhen(true)] out NDArray? scalar)
    {
        scalar = value switch
        {
            float v => NDArray.Scalar(v),
            Half v => NDArray.Scalar(v),
            BFloat16 v => NDArray.Scalar(v),
            sbyte v => NDArray.Scalar(v),
            short v => NDArray.Scalar(v),
            int v => NDArray.Scalar(v),
            byte v => NDArray.Scalar(v),
            ushort v => NDArray.Scalar(v),
            uint v => NDArray.Scalar(v),
            ulong v => NDArray.Scalar(v),
            NumpyScalar<long> v => NDArray.Scalar(v.Value),
            NumpyScalar<double> v => NDArray.Scalar(v.Value),
            NumpyScalar<bool> v => NDArray.Scalar(v.Value),
            _ => null,
        };
        return scalar is not null;
    }
}
