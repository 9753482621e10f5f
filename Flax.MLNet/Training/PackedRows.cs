using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flax;

/// <summary>
/// The training rows of the model inputs in one growing buffer of one dtype, the inputs of a row back to back: the
/// single tensor a <see cref="Trainer"/> step takes. One input, or several of one dtype, keep their dtype (token ids stay
/// int64); inputs of mixed dtypes are widened to a dtype that holds each of their values exactly: int64 for integers and
/// booleans, float64 when one of them is float32 (an Int64 value beyond ±2^53 is then refused). <see cref="TrainingData.Unpack"/>
/// slices the inputs back out in the graph and casts each to its own dtype.
/// </summary>
internal abstract class PackedRows
{
    /// <summary>The largest integer float64 holds exactly (2^53).</summary>
    private const long ExactInFloat64 = 1L << 53;

    /// <summary>The buffer for <paramref name="inputs"/>, with one row of <paramref name="rowSize"/> values being filled.</summary>
    internal static PackedRows For(IReadOnlyList<ModelInput> inputs, int rowSize)
    {
        var dtypes = inputs.Select(i => i.DType).Distinct().ToArray();
        var packed = dtypes.Length == 1 ? dtypes[0] : dtypes.Contains(DType.Float32) ? DType.Float64 : DType.Int64;
        return packed switch
        {
            DType.Float32 => new Of<float>(packed, rowSize),
            DType.Float64 => new Of<double>(packed, rowSize),
            DType.Int32 => new Of<int>(packed, rowSize),
            DType.Int64 => new Of<long>(packed, rowSize),
            _ => new Of<byte>(DType.Bool, rowSize), // bool, stored as its bytes
        };
    }

    /// <summary>Writes row <paramref name="row"/> of <paramref name="input"/>, the first values of <paramref name="batch"/>
    /// as its column reader left them, to the row being filled, from <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentException">A value cannot be packed exactly (an Int64 beyond ±2^53 packed as float64).</exception>
    internal abstract void Write(HostBatch batch, int offset, ModelInput input, int row);

    /// <summary>Keeps the row being filled.</summary>
    internal abstract void Keep();

    /// <summary>The kept rows at <paramref name="indices"/> as one array of shape <c>(n, ..rowShape)</c>.</summary>
    internal abstract NDArray Gather(ReadOnlySpan<int> indices, int[] rowShape);

    private sealed class Of<T>(DType dtype, int rowSize) : PackedRows where T : unmanaged, INumberBase<T>
    {
        private readonly List<T> _rows = [];
        private readonly T[] _row = new T[rowSize];

        internal override void Write(HostBatch batch, int offset, ModelInput input, int row)
        {
            int size = input.Size;
            var to = _row.AsSpan(offset, size);
            switch (batch)
            {
                case HostBatch<float> f: Convert(f.Data.AsSpan(0, size), to); break;
                case HostBatch<int> i: Convert(i.Data.AsSpan(0, size), to); break;
                case HostBatch<bool> b: Convert(MemoryMarshal.Cast<bool, byte>(b.Data.AsSpan(0, size)), to); break;
                case HostBatch<long> l:
                    var values = l.Data.AsSpan(0, size);
                    if (typeof(T) == typeof(double))
                        foreach (var v in values)
                            if (v > ExactInFloat64 || v < -ExactInFloat64)
                                throw new ArgumentException($"Row {row} of input column '{input.ColumnName}' holds {v}, beyond ±2^53: training packs inputs of mixed dtypes " +
                                    "as float64, which cannot hold it exactly.", "data");
                    Convert(values, to);
                    break;
                default: throw new InvalidOperationException($"A training row holds float32, int32, int64 or bool, not {batch.DType.Name()}.");
            }
        }

        internal override void Keep() => _rows.AddRange(_row);

        internal override NDArray Gather(ReadOnlySpan<int> indices, int[] rowShape)
        {
            var rows = CollectionsMarshal.AsSpan(_rows);
            var bytes = new byte[indices.Length * rowSize * Unsafe.SizeOf<T>()];
            var result = MemoryMarshal.Cast<byte, T>(bytes.AsSpan());
            for (int i = 0; i < indices.Length; i++) rows.Slice(indices[i] * rowSize, rowSize).CopyTo(result[(i * rowSize)..]);
            return NDArray.FromBytes(dtype, [indices.Length, .. rowShape], bytes);
        }

        private static void Convert<TFrom>(ReadOnlySpan<TFrom> from, Span<T> to) where TFrom : unmanaged, INumberBase<TFrom>
        {
            for (int i = 0; i < from.Length; i++) to[i] = T.CreateTruncating(from[i]);
        }
    }
}
