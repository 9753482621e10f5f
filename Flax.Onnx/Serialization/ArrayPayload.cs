using System.Buffers;
using MessagePack;

namespace Flax;

/// <summary>
/// The payload of Flax's ndarray and numpy-scalar msgpack extensions: a nested msgpack list
/// <c>(shape, dtype name, raw little-endian C-order bytes)</c> (<c>flax.serialization._ndarray_to_bytes</c> and
/// <c>_ndarray_from_bytes</c>). Decoding treats the payload as untrusted and reports problems as
/// <see cref="InvalidDataException"/>, which the checkpoint reader turns into a located
/// <see cref="FlaxCheckpointException"/>.
/// </summary>
internal static class ArrayPayload
{
    /// <summary>The most dimensions an array may have (numpy's <c>NPY_MAXDIMS</c>).</summary>
    internal const int MaxRank = 64;

    /// <summary>
    /// The payload without its trailing element bytes: the list header, the shape, the dtype name and the header of
    /// the <paramref name="dataLength"/>-byte binary that follows.
    /// </summary>
    internal static byte[] EncodeHeader(string dtypeName, ReadOnlySpan<int> shape, int dataLength)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + 5 * shape.Length);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.WriteArrayHeader(shape.Length);
        foreach (int dim in shape) writer.Write(dim);
        writer.Write(dtypeName);
        StreamedHeaders.WriteBinHeader(ref writer, dataLength);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a payload into a new array.</summary>
    /// <exception cref="InvalidDataException">The payload is malformed, names an unknown dtype, or its byte count
    /// does not match its shape.</exception>
    internal static NDArray Decode(ReadOnlySequence<byte> payload) => (NDArray)DecodeLeaf(payload, complexAllowed: false);

    /// <summary>Decodes a payload into a new <see cref="NDArray"/>, or a <see cref="ComplexArray"/> for numpy's
    /// complex dtypes.</summary>
    /// <exception cref="InvalidDataException">The payload is malformed, names an unknown dtype, or its byte count
    /// does not match its shape.</exception>
    internal static object DecodeLeaf(ReadOnlySequence<byte> payload, bool complexAllowed = true)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 3)
                throw new InvalidDataException("an array payload must be the msgpack list (shape, dtype, bytes)");
            int[] shape = ReadShape(ref reader);
            string name = ReadDTypeName(ref reader);
            ReadOnlySequence<byte> data = ReadData(ref reader);
            if (!reader.End)
                throw new InvalidDataException($"the array payload has {payload.Length - reader.Consumed} bytes after its (shape, dtype, bytes) list");
            long count = ElementCount(shape);
            if (complexAllowed && ComplexArray.TryParse(name, out bool single))
            {
                if (data.Length % ComplexArray.ItemSize(single) != 0 || data.Length / ComplexArray.ItemSize(single) != count)
                    throw new InvalidDataException($"shape {Shapes.Format(shape)} of {name} needs {count} elements, but the data has {data.Length} bytes");
                if (data.Length > Array.MaxLength)
                    throw new InvalidDataException($"an array of {data.Length} bytes does not fit one .NET buffer");
                return ComplexArray.FromBytes(data.ToArray(), shape, single);
            }
            DType dtype = ParseDType(name, complexAllowed);
            if (data.Length % dtype.ItemSize() != 0 || data.Length / dtype.ItemSize() != count)
                throw new InvalidDataException($"shape {Shapes.Format(shape)} of {dtype.Name()} needs {count} elements, but the data has {data.Length} bytes");
            return CheckpointValues.ToArray(dtype, shape, data);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the array payload ends early: its extension length is too short", e);
        }
    }

    /// <summary>The number of elements of <paramref name="shape"/>, refusing products that overflow.</summary>
    /// <exception cref="InvalidDataException">The product exceeds <see cref="long.MaxValue"/>.</exception>
    internal static long ElementCount(ReadOnlySpan<int> shape)
    {
        if (shape.Contains(0)) return 0;
        long count = 1;
        foreach (int dim in shape)
        {
            if (count > long.MaxValue / dim)
                throw new InvalidDataException($"the shape {Shapes.Format(shape)} has more elements than any buffer can hold");
            count *= dim;
        }
        return count;
    }

    /// <summary>Reads one dimension: an integer from 0 to <see cref="int.MaxValue"/>.</summary>
    /// <exception cref="InvalidDataException">The value is not such an integer.</exception>
    internal static int ToDimension(object value) => value switch
    {
        long d and >= 0 and <= int.MaxValue => (int)d,
        long or ulong => throw new InvalidDataException($"the dimension {value} is out of range (0 to {int.MaxValue})"),
        _ => throw new InvalidDataException($"a dimension must be an integer, got {CheckpointValues.Describe(value)}"),
    };

    private static int[] ReadShape(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
            throw new InvalidDataException($"the shape must be a msgpack list, got {reader.NextMessagePackType}");
        int rank = reader.ReadArrayHeader();
        if (rank > MaxRank)
            throw new InvalidDataException($"the shape has {rank} dimensions; at most {MaxRank} are allowed");
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (reader.NextMessagePackType != MessagePackType.Integer)
                throw new InvalidDataException($"a dimension must be an integer, got {reader.NextMessagePackType}");
            shape[i] = ToDimension(CheckpointValues.ReadInteger(ref reader));
        }
        return shape;
    }

    private static string ReadDTypeName(ref MessagePackReader reader)
    {
        // Flax reads the payload with raw=True, so the name may be a msgpack str or bin.
        if (reader.NextMessagePackType is not (MessagePackType.String or MessagePackType.Binary))
            throw new InvalidDataException($"the dtype name must be a string, got {reader.NextMessagePackType}");
        return CheckpointValues.DecodeUtf8(CheckpointValues.ReadBytes(ref reader));
    }

    private static DType ParseDType(string text, bool complexAllowed)
    {
        if (!DTypes.TryParse(text, out var dtype))
            throw new InvalidDataException($"unsupported dtype {CheckpointText.Quote(text)}; supported: {string.Join(", ", Enum.GetValues<DType>().Select(d => d.Name()))}{(complexAllowed ? ", complex64, complex128" : "")}");
        return dtype;
    }

    private static ReadOnlySequence<byte> ReadData(ref MessagePackReader reader)
    {
        // Files written before msgpack's bin type existed hold the bytes as a raw str.
        if (reader.NextMessagePackType is not (MessagePackType.Binary or MessagePackType.String))
            throw new InvalidDataException($"the array data must be bytes, got {reader.NextMessagePackType}");
        return CheckpointValues.ReadBytes(ref reader);
    }
}
