using System.Buffers;
using System.Numerics;
using MessagePack;

namespace Flax;

/// <summary>
/// Decodes Flax's msgpack checkpoint layout (<c>flax.serialization.msgpack_restore</c>) into a state dict: nested
/// <see cref="OrderedDictionary{TKey, TValue}"/>s with string keys in file order, whose leaves are
/// <see cref="NDArray"/> (extension 1 and Flax's chunked form), numpy scalars as .NET values (extension 3, see
/// <see cref="NumpyScalar"/>), <see cref="Complex"/> (extension 2), <see cref="long"/> / <see cref="ulong"/>,
/// <see cref="double"/>, <see cref="bool"/>, <see cref="string"/> and <c>byte[]</c>, complex arrays as
/// <see cref="ComplexArray"/>, and Python's <c>None</c> as <see cref="NoneLeaf.Value"/>. A msgpack list
/// becomes a dict keyed <c>"0"</c>, <c>"1"</c>, ..., as <c>flax.serialization.to_state_dict</c> stores lists.
/// </summary>
/// <remarks>
/// The input is untrusted. Every failure is a <see cref="FlaxCheckpointException"/> naming the key path and byte
/// offset of the value at fault; nothing is read past the input, and every allocation is bounded by bytes the input
/// actually holds (msgpack container counts are checked against the bytes left before anything is reserved).
/// </remarks>
internal sealed class CheckpointReader
{
    /// <summary>The deepest nesting of dicts and lists accepted (<see cref="VariableDict.MaxDepth"/>); real variable
    /// trees are a few levels deep.</summary>
    internal const int MaxDepth = VariableDict.MaxDepth;

    /// <summary>
    /// The most characters of flattened key paths (<c>params/Dense_0/kernel</c>, summed over the leaves) accepted per
    /// byte of the file. Leaves under one long key each repeat it when flattened, so without a bound a 200 KB file
    /// flattens to gigabytes; real checkpoints stay far below this (arrays take far more bytes than their paths).
    /// </summary>
    internal const int MaxPathCharsPerByte = 64;

    private readonly List<string> _path = [];
    private readonly long _pathBudget;
    private long _at;
    private int _pathLength;
    private long _pathChars;

    private CheckpointReader(long fileLength) => _pathBudget = MaxPathCharsPerByte * fileLength;

    /// <summary>Decodes a whole checkpoint; its top level must be a dict.</summary>
    /// <exception cref="FlaxCheckpointException">The bytes are not a well-formed Flax checkpoint.</exception>
    internal static OrderedDictionary<string, object> Read(ReadOnlySequence<byte> bytes)
    {
        var state = new CheckpointReader(bytes.Length);
        var reader = new MessagePackReader(bytes);
        try
        {
            if (bytes.IsEmpty) throw new InvalidDataException("the file is empty");
            if (reader.NextMessagePackType != MessagePackType.Map)
                throw new InvalidDataException($"the top level must be a dict of collections, got {reader.NextMessagePackType}");
            if (state.ReadValue(ref reader, depth: 0) is not OrderedDictionary<string, object> root)
                throw new InvalidDataException("the top level is a chunked array, not a dict of collections");
            state._at = reader.Consumed;
            if (!reader.End)
                throw new InvalidDataException($"{bytes.Length - reader.Consumed} bytes follow the end of the checkpoint");
            return root;
        }
        catch (InvalidDataException e)
        {
            throw state.Located(e.Message, e);
        }
        catch (EndOfStreamException e)
        {
            throw state.Located("the file ends inside this value (truncated?)", e);
        }
        catch (MessagePackSerializationException e)
        {
            // Types are checked before every read, so this guards the msgpack library's own format checks.
            throw state.Located($"not valid msgpack: {e.Message}", e);
        }
    }

    private FlaxCheckpointException Located(string problem, Exception cause) =>
        new($"Invalid Flax checkpoint at {CheckpointText.Path(_path)} (byte {_at}): {problem}.", cause);

    private object ReadValue(ref MessagePackReader reader, int depth)
    {
        long start = _at = reader.Consumed;
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Map:
                var map = ReadMap(ref reader, depth + 1);
                if (!ChunkedArray.IsChunked(map)) return map;
                _at = start;
                return ChunkedArray.Join(map);
            case MessagePackType.Array:
                return ReadList(ref reader, depth + 1);
            case MessagePackType.Extension:
                return ReadExtension(ref reader);
            case MessagePackType.Integer:
                return CheckpointValues.ReadInteger(ref reader);
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.String:
                return CheckpointValues.DecodeUtf8(CheckpointValues.ReadBytes(ref reader));
            case MessagePackType.Binary:
                return CheckpointValues.ReadBytes(ref reader).ToArray();
            case MessagePackType.Nil:
                reader.ReadNil();
                return NoneLeaf.Value;
            default:
                throw new InvalidDataException($"the msgpack code 0x{reader.NextCode:x2} is not a value");
        }
    }

    private OrderedDictionary<string, object> ReadMap(ref MessagePackReader reader, int depth)
    {
        CheckDepth(depth);
        int count = reader.ReadMapHeader();
        var map = new OrderedDictionary<string, object>();
        for (int i = 0; i < count; i++)
        {
            _at = reader.Consumed;
            if (reader.NextMessagePackType != MessagePackType.String)
                throw new InvalidDataException($"key {i} of this dict is a msgpack {reader.NextMessagePackType}; a state dict has string keys");
            string key = CheckpointValues.DecodeUtf8(CheckpointValues.ReadBytes(ref reader));
            if (map.ContainsKey(key))
                throw new InvalidDataException($"the key {CheckpointText.Quote(key)} appears twice in this dict");
            map.Add(key, ReadChild(ref reader, key, depth));
        }
        return map;
    }

    /// <summary>Reads the value under <paramref name="key"/>, keeping the key path and the flattened-path budget.</summary>
    private object ReadChild(ref MessagePackReader reader, string key, int depth)
    {
        _path.Add(key);
        int parent = _pathLength;
        _pathLength += (_path.Count > 1 ? 1 : 0) + key.Length;
        var value = ReadValue(ref reader, depth);
        if (value is not OrderedDictionary<string, object> && (_pathChars += _pathLength) > _pathBudget)
            throw new InvalidDataException($"the flattened key paths total over {_pathBudget} characters ({MaxPathCharsPerByte} per byte of the file); a key path repeated by many leaves is too long");
        _pathLength = parent;
        _path.RemoveAt(_path.Count - 1);
        return value;
    }

    private OrderedDictionary<string, object> ReadList(ref MessagePackReader reader, int depth)
    {
        CheckDepth(depth);
        int count = reader.ReadArrayHeader();
        var map = new OrderedDictionary<string, object>();
        for (int i = 0; i < count; i++)
        {
            string key = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            map.Add(key, ReadChild(ref reader, key, depth));
        }
        return map;
    }

    private void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
            throw new InvalidDataException($"dicts and lists nest deeper than {MaxDepth} levels");
    }

    private static object ReadExtension(ref MessagePackReader reader)
    {
        var header = reader.ReadExtensionFormatHeader();
        var payload = reader.ReadRaw(header.Length);
        switch ((MsgpackExtType)header.TypeCode)
        {
            case MsgpackExtType.NdArray:
                return ArrayPayload.DecodeLeaf(payload);
            case MsgpackExtType.NumpyScalar:
                var scalar = ArrayPayload.DecodeLeaf(payload);
                var shape = scalar is ComplexArray complex ? complex.ShapeArray : ((NDArray)scalar).Shape;
                if (shape.Length != 0)
                    throw new InvalidDataException($"a numpy scalar must have shape (), got {Shapes.Format(shape)}");
                return scalar is NDArray array ? NumpyScalar.ToValue(array) : new NumpyScalar<ComplexArray>((ComplexArray)scalar);
            case MsgpackExtType.NativeComplex:
                return ReadComplex(payload);
            default:
                throw new InvalidDataException($"unknown msgpack extension type {header.TypeCode}; Flax writes 1 (ndarray), 2 (complex) and 3 (numpy scalar)");
        }
    }

    private static Complex ReadComplex(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 2)
                throw new InvalidDataException("a complex payload must be the msgpack pair (real, imag)");
            double real = ReadPart(ref reader), imaginary = ReadPart(ref reader);
            if (!reader.End)
                throw new InvalidDataException($"the complex payload has {payload.Length - reader.Consumed} bytes after its (real, imag) pair");
            return new Complex(real, imaginary);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the complex payload ends early: its extension length is too short", e);
        }
    }

    private static double ReadPart(ref MessagePackReader reader) => reader.NextMessagePackType switch
    {
        MessagePackType.Float or MessagePackType.Integer => reader.ReadDouble(),
        var other => throw new InvalidDataException($"a complex part must be a number, got {other}"),
    };
}
