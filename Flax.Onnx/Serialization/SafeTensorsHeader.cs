using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Flax;

/// <summary>
/// The header of a safetensors file: an 8-byte little-endian length, then that many bytes of JSON mapping each tensor
/// name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>, plus an optional <c>"__metadata__"</c> object of
/// strings; the data section follows. Parsing treats the file as untrusted: the offsets must tile the data section
/// exactly (no gaps, overlaps or bytes past the end), as the safetensors library requires.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest header accepted (the safetensors library's limit).</summary>
    internal const int MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private string _where = "the header";
    private long _at;

    private SafeTensorsHeader()
    {
    }

    /// <summary>The tensors, in header order.</summary>
    internal List<SafeTensorsEntry> Entries { get; } = [];

    /// <summary>The <c>__metadata__</c> strings, in header order (empty when absent).</summary>
    internal OrderedDictionary<string, string> Metadata { get; } = [];

    /// <summary>The offset of the data section within the file.</summary>
    internal long DataStart { get; private set; }

    /// <summary>Parses and validates the header of a whole file.</summary>
    /// <exception cref="FlaxCheckpointException">The header is malformed or its offsets do not tile the data; the
    /// message names the tensor or header part at fault and its byte offset in the file.</exception>
    internal static SafeTensorsHeader Parse(ReadOnlySequence<byte> file)
    {
        var header = new SafeTensorsHeader();
        try
        {
            header.ParseCore(file);
            return header;
        }
        catch (InvalidDataException e)
        {
            throw Invalid(header._where, header._at, e.Message, e);
        }
        catch (JsonException e)
        {
            // The header is one line as written; for a multi-line one the last token read is the best place known.
            long at = e is { LineNumber: 0, BytePositionInLine: long column } ? 8 + column : header._at;
            throw Invalid(header._where, at, $"the header is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>A located error for a safetensors file: the part at fault and its byte offset in the file.</summary>
    internal static FlaxCheckpointException Invalid(string where, long at, string problem, Exception? cause = null) =>
        new($"Invalid safetensors file at {where} (byte {at}): {problem}.", cause);

    /// <summary>The header bytes, length prefix included, padded with spaces so the data starts 8-byte aligned.</summary>
    internal static byte[] Encode(IEnumerable<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                writer.WriteStartObject(entry.Name);
                writer.WriteString("dtype", SafeTensorsEntry.Code(entry.DType));
                writer.WriteStartArray("shape");
                foreach (int dim in entry.Shape) writer.WriteNumberValue(dim);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(entry.Begin);
                writer.WriteNumberValue(entry.End);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        int padded = (json.WrittenCount + 7) / 8 * 8;
        var bytes = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.WrittenSpan.CopyTo(bytes.AsSpan(8));
        bytes.AsSpan(8 + json.WrittenCount).Fill((byte)' ');
        return bytes;
    }

    private void ParseCore(ReadOnlySequence<byte> file)
    {
        if (file.Length < 8) throw new InvalidDataException($"the file has {file.Length} bytes, fewer than the 8-byte header size");
        Span<byte> prefix = stackalloc byte[8];
        file.Slice(0, 8).CopyTo(prefix);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (size > MaxHeaderBytes || size > (ulong)(file.Length - 8))
            throw new InvalidDataException($"the header size {size} exceeds the file ({file.Length} bytes) or the {MaxHeaderBytes}-byte limit");
        DataStart = 8 + (long)size;
        byte[] text = file.Slice(8, (long)size).ToArray();
        _at = 8;
        // The JSON reader checks UTF-8 only in strings it decodes, and then fails with InvalidOperationException.
        if (CheckpointValues.FirstInvalidUtf8(text) is int bad)
        {
            _at = 8 + bad;
            throw new InvalidDataException("the header is not valid UTF-8");
        }
        var json = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = 4 });
        if (Next(ref json) != JsonTokenType.StartObject)
            throw new InvalidDataException($"the header must be a JSON object, got {Kind(json.TokenType)}");
        var names = new HashSet<string>();
        while (Next(ref json) == JsonTokenType.PropertyName)
        {
            long at = _at;
            _where = "a tensor name";
            string name = Text(ref json);
            _where = name == MetadataKey ? MetadataKey : CheckpointText.Quote(name);
            if (!names.Add(name)) throw new InvalidDataException($"the name {CheckpointText.Quote(name)} appears twice");
            Next(ref json);
            if (name == MetadataKey) ReadMetadata(ref json);
            else Entries.Add(ReadEntry(ref json, name, at));
        }
        if (json.Read()) throw new InvalidDataException("the header has content after its JSON object");
        (_where, _at) = ("the header", DataStart);
        CheckTiling(file.Length - DataStart);
    }

    /// <summary>Reads the next token, keeping its file offset; the end of the header is an error.</summary>
    private JsonTokenType Next(ref Utf8JsonReader json)
    {
        if (!json.Read()) throw new InvalidDataException("the header ends inside its JSON object");
        _at = 8 + json.TokenStartIndex;
        return json.TokenType;
    }

    /// <summary>The current string or name, which must be valid Unicode (JSON escapes may encode lone surrogates).</summary>
    private static string Text(ref Utf8JsonReader json)
    {
        try
        {
            return json.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException("a string is not valid Unicode (it escapes an unpaired surrogate)", e);
        }
    }

    /// <summary>A JSON token kind as the JSON value it starts: <c>Object</c>, <c>Array</c>, <c>String</c>, ...</summary>
    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        JsonTokenType.True or JsonTokenType.False => "Boolean",
        _ => token.ToString(),
    };

    private void ReadMetadata(ref Utf8JsonReader json)
    {
        if (json.TokenType != JsonTokenType.StartObject)
            throw new InvalidDataException($"the metadata must be an object of strings, got {Kind(json.TokenType)}");
        while (Next(ref json) == JsonTokenType.PropertyName)
        {
            string key = Text(ref json);
            if (Metadata.ContainsKey(key)) throw new InvalidDataException($"the metadata key {CheckpointText.Quote(key)} appears twice");
            if (Next(ref json) != JsonTokenType.String)
                throw new InvalidDataException($"the metadata value of {CheckpointText.Quote(key)} is a {Kind(json.TokenType)}, not a string");
            Metadata.Add(key, Text(ref json));
        }
    }

    private SafeTensorsEntry ReadEntry(ref Utf8JsonReader json, string name, long at)
    {
        if (json.TokenType != JsonTokenType.StartObject)
            throw new InvalidDataException($"a tensor entry must be an object, got {Kind(json.TokenType)}");
        string? code = null;
        int[]? shape = null;
        List<long>? offsets = null;
        var fields = new HashSet<string>();
        while (Next(ref json) == JsonTokenType.PropertyName)
        {
            string field = Text(ref json);
            if (!fields.Add(field)) throw new InvalidDataException($"the field {CheckpointText.Quote(field)} appears twice");
            var token = Next(ref json);
            switch (field)
            {
                case "dtype": code = token == JsonTokenType.String ? Text(ref json) : throw new InvalidDataException($"the dtype must be a string, got {Kind(token)}"); break;
                case "shape":
                    long shapeAt = _at;
                    var dims = Integers(ref json, "shape", ArrayPayload.MaxRank);
                    _at = shapeAt;
                    shape = [.. dims.Select(d => ArrayPayload.ToDimension(d))];
                    break;
                case "data_offsets": offsets = Integers(ref json, "data_offsets", 2); break;
                default: throw new InvalidDataException($"unexpected field {CheckpointText.Quote(field)} = {Kind(token)}");
            }
        }
        _at = at;
        if (code is null || shape is null || offsets is not [var begin, var end])
            throw new InvalidDataException("a tensor entry needs a dtype, a shape and two data_offsets");
        if (!SafeTensorsEntry.TryParse(code, out var dtype))
            throw new InvalidDataException($"unsupported dtype {CheckpointText.Quote(code)}");
        long count = ArrayPayload.ElementCount(shape);
        if (begin < 0 || end < begin || count > long.MaxValue / dtype.ItemSize() || end - begin != count * dtype.ItemSize())
            throw new InvalidDataException($"data_offsets [{begin}, {end}] do not hold shape {Shapes.Format(shape)} of {code} ({Math.BigMul(count, dtype.ItemSize())} bytes)");
        return new SafeTensorsEntry(name, dtype, shape, begin, end) { At = at };
    }

    /// <summary>A JSON list of at most <paramref name="maxCount"/> integers.</summary>
    private List<long> Integers(ref Utf8JsonReader json, string field, int maxCount)
    {
        if (json.TokenType != JsonTokenType.StartArray)
            throw new InvalidDataException($"{field} must be a list of at most {maxCount} integers");
        var values = new List<long>();
        while (Next(ref json) != JsonTokenType.EndArray)
        {
            if (values.Count == maxCount) throw new InvalidDataException($"{field} must be a list of at most {maxCount} integers");
            if (json.TokenType != JsonTokenType.Number || !json.TryGetInt64(out long value))
                throw new InvalidDataException($"{field} holds {(json.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject ? Kind(json.TokenType) : Encoding.UTF8.GetString(json.ValueSpan))}, not an integer");
            values.Add(value);
        }
        return values;
    }

    private void CheckTiling(long dataLength)
    {
        long cursor = 0;
        foreach (var entry in Entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != cursor)
            {
                (_where, _at) = (CheckpointText.Quote(entry.Name), entry.At);
                throw new InvalidDataException($"the data starts at byte {entry.Begin}, but the tensors before it end at byte {cursor}");
            }
            cursor = entry.End;
        }
        if (cursor != dataLength)
            throw new InvalidDataException($"the data section has {dataLength} bytes, but the tensors cover {cursor}");
    }
}
