using System.Globalization;
using System.Numerics;
using System.Text;
using MessagePack;

namespace Flax;

/// <summary>
/// Encodes a tree of string-keyed dictionaries (a <see cref="VariableDict"/>) in Flax's msgpack checkpoint layout,
/// byte for byte as <c>flax.serialization.to_bytes</c> does for the same tree: dicts as msgpack maps in insertion
/// order, arrays as extension 1 (or Flax's chunked form above <see cref="ChunkedArray.MaxChunkBytes"/>),
/// numpy-typed .NET scalars as extension 3 (see <see cref="NumpyScalar"/>), <see cref="Complex"/> as extension 2,
/// and <see cref="long"/> / <see cref="double"/> / <see cref="bool"/> / <see cref="string"/> / <c>byte[]</c> as
/// plain msgpack (Python's int, float, bool, str and bytes).
/// </summary>
internal sealed class CheckpointWriter
{
    private readonly StreamBufferWriter _sink;
    private readonly long _maxChunkBytes;

    private CheckpointWriter(Stream stream, long maxChunkBytes)
    {
        _sink = new StreamBufferWriter(stream);
        _maxChunkBytes = maxChunkBytes;
    }

    /// <summary>Writes <paramref name="root"/> to <paramref name="stream"/>.</summary>
    /// <param name="root">The tree; it is checked before the first byte is written.</param>
    /// <param name="stream">The destination.</param>
    /// <param name="maxChunkBytes">Arrays with more bytes are chunked; Flax's value unless a test lowers it.</param>
    /// <exception cref="ArgumentException">The tree would make a file that <see cref="CheckpointReader"/> refuses
    /// (see <see cref="Check"/>); nothing has been written then.</exception>
    internal static void Write(IReadOnlyDictionary<string, object> root, Stream stream, long maxChunkBytes = ChunkedArray.MaxChunkBytes)
    {
        Check(root);
        var writer = new CheckpointWriter(stream, maxChunkBytes);
        var msgpack = new MessagePackWriter(writer._sink);
        writer.WriteMap(ref msgpack, root);
        msgpack.Flush();
        writer._sink.Drain();
    }

    /// <summary>
    /// Refuses what the reader refuses, so a written file always reads back: a leaf without a msgpack form, a key or
    /// string that is not valid Unicode, a dict with the chunked-array marker key, an array of more than
    /// <see cref="ArrayPayload.MaxRank"/> dimensions, nesting deeper than <see cref="VariableDict.MaxDepth"/>, and
    /// flattened key paths longer than <see cref="CheckpointReader.MaxPathCharsPerByte"/> per byte of the file (counted
    /// against a lower bound of its size).
    /// </summary>
    private static void Check(IReadOnlyDictionary<string, object> root)
    {
        var check = new WriteCheck();
        check.Map(root, depth: 1, pathLength: 0);
        if (check.PathChars > CheckpointReader.MaxPathCharsPerByte * check.MinBytes)
            throw new ArgumentException($"Cannot write a Flax checkpoint whose flattened key paths total {check.PathChars} characters in a file of about {check.MinBytes} bytes: its reader accepts at most {CheckpointReader.MaxPathCharsPerByte} per byte (shorten the keys that many leaves share).");
    }

    private sealed class WriteCheck
    {
        private readonly List<string> _path = [];

        internal long PathChars { get; private set; }

        internal long MinBytes { get; private set; }

        internal void Map(IReadOnlyDictionary<string, object> map, int depth, int pathLength)
        {
            if (depth > VariableDict.MaxDepth) throw Refused("the dict", $"dicts nest deeper than {VariableDict.MaxDepth} levels");
            if (map.ContainsKey(ChunkedArray.Marker))
                throw Refused("the dict", $"the key {ChunkedArray.Marker} marks Flax's chunked arrays, so the dict would read back as one");
            MinBytes++;
            foreach (var (key, value) in map)
            {
                _path.Add(key);
                MinBytes += 1 + Utf8Length(key, "the key");
                int length = pathLength + (depth > 1 ? 1 : 0) + key.Length;
                if (value is IReadOnlyDictionary<string, object> child) Map(child, depth + 1, length);
                else Leaf(value, length);
                _path.RemoveAt(_path.Count - 1);
            }
        }

        private void Leaf(object value, int pathLength)
        {
            if (!IsWritable(value))
                throw Refused("the leaf", $"{value.GetType().Name} has no msgpack form (use NDArray for arrays)");
            if (value is NDArray { Rank: > ArrayPayload.MaxRank } deep)
                throw Refused("the leaf", $"the array has {deep.Rank} dimensions; a checkpoint holds at most {ArrayPayload.MaxRank}");
            MinBytes += value switch
            {
                string text => Utf8Length(text, "the string"),
                NDArray array => array.Bytes.Length,
                ComplexArray array => array.Bytes.Length,
                byte[] bytes => bytes.Length,
                _ => 1,
            };
            PathChars += pathLength;
        }

        private long Utf8Length(string text, string what) => CheckpointValues.IsValidUnicode(text)
            ? Encoding.UTF8.GetByteCount(text)
            : throw Refused(what, "it is not valid Unicode (an unpaired surrogate), which msgpack's UTF-8 cannot hold");

        private ArgumentException Refused(string what, string problem) =>
            new($"Cannot write {what} at {CheckpointText.Path(_path)} to a Flax checkpoint: {problem}.");
    }

    private static bool IsWritable(object value) =>
        value is NDArray or long or double or bool or string or byte[] or Complex or ComplexArray or NumpyScalar<ComplexArray> or NoneLeaf
        || NumpyScalar.TryToArray(value, out _);

    private void WriteMap(ref MessagePackWriter writer, IReadOnlyDictionary<string, object> map)
    {
        writer.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            writer.Write(key);
            WriteValue(ref writer, value);
        }
    }

    private void WriteValue(ref MessagePackWriter writer, object value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object> map: WriteMap(ref writer, map); break;
            case NDArray array when array.Bytes.Length > _maxChunkBytes: WriteChunked(ref writer, array); break;
            case NDArray array: WriteArray(ref writer, MsgpackExtType.NdArray, array.DType.Name(), array.ShapeSpan, array.Bytes); break;
            case long number: writer.Write(number); break;
            case double number: writer.Write(number); break;
            case bool flag: writer.Write(flag); break;
            case string text: writer.Write(text); break;
            case byte[] bytes: writer.Write(bytes); break;
            case Complex complex: WriteComplex(ref writer, complex); break;
            case NoneLeaf: writer.WriteNil(); break;
            case ComplexArray array: WriteArray(ref writer, MsgpackExtType.NdArray, array.DTypeName, array.ShapeArray, array.Bytes); break;
            case NumpyScalar<ComplexArray> complexScalar: WriteArray(ref writer, MsgpackExtType.NumpyScalar, complexScalar.Value.DTypeName, [], complexScalar.Value.Bytes); break;
            default:
                NumpyScalar.TryToArray(value, out var scalar);
                WriteArray(ref writer, MsgpackExtType.NumpyScalar, scalar!.DType.Name(), [], scalar.Bytes);
                break;
        }
    }

    private void WriteArray(ref MessagePackWriter writer, MsgpackExtType type, string dtype, scoped ReadOnlySpan<int> shape, scoped ReadOnlySpan<byte> data)
    {
        byte[] header = ArrayPayload.EncodeHeader(dtype, shape, data.Length);
        StreamedHeaders.WriteExtensionHeader(ref writer, (sbyte)type, checked(header.Length + data.Length));
        writer.WriteRaw(header);
        writer.Flush();
        _sink.WriteThrough(data);
    }

    private void WriteChunked(ref MessagePackWriter writer, NDArray array)
    {
        int itemSize = array.DType.ItemSize();
        int perChunk = ChunkedArray.ElementsPerChunk(array.DType, _maxChunkBytes);
        int chunkCount = (int)((array.Size + perChunk - 1) / perChunk);
        writer.WriteMapHeader(3);
        writer.Write(ChunkedArray.Marker);
        writer.Write(true);
        writer.Write("shape");
        writer.WriteMapHeader(array.Rank);
        for (int axis = 0; axis < array.Rank; axis++)
        {
            writer.Write(axis.ToString(CultureInfo.InvariantCulture));
            writer.Write(array.ShapeSpan[axis]);
        }
        writer.Write("chunks");
        writer.WriteMapHeader(chunkCount);
        for (int i = 0; i < chunkCount; i++)
        {
            long start = (long)i * perChunk;
            int length = (int)Math.Min(perChunk, array.Size - start);
            writer.Write(i.ToString(CultureInfo.InvariantCulture));
            WriteArray(ref writer, MsgpackExtType.NdArray, array.DType.Name(), [length], array.Bytes.Slice((int)(start * itemSize), length * itemSize));
        }
    }

    private static void WriteComplex(ref MessagePackWriter writer, Complex value)
    {
        // The payload is msgpack.packb((real, imag)): a 2-list of float64, 19 bytes.
        writer.WriteExtensionFormatHeader(new ExtensionHeader((sbyte)MsgpackExtType.NativeComplex, 19));
        writer.WriteArrayHeader(2);
        writer.Write(value.Real);
        writer.Write(value.Imaginary);
    }
}
