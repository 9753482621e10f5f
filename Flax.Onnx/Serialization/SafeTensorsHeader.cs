using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

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
    /// <exception cref="FlaxCheckpointException">The header is malformed or its offsets do not tile the data.</exception>
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
            throw Invalid(header._where, e.Message, e);
        }
        catch (JsonException e)
        {
            throw Invalid(header._where, $"the header is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>A located error for a safetensors file.</summary>
    internal static FlaxCheckpointException Invalid(string where, string problem, Exception? cause = null) =>
        new($"Invalid safetensors file at {where}: {problem}.", cause);

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
        // JsonDocument defers UTF-8 validation of names and strings until they are read, and then fails oddly.
        if (!Utf8.IsValid(text)) throw new InvalidDataException("the header is not valid UTF-8");
        using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        if (json.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"the header must be a JSON object, got {json.RootElement.ValueKind}");
        foreach (var property in Unique(json.RootElement))
        {
            if (property.Name == MetadataKey) ReadMetadata(property.Value);
            else Entries.Add(ReadEntry(property.Name, property.Value));
        }
        _where = "the header";
        CheckTiling(file.Length - DataStart);
    }

    private static IEnumerable<JsonProperty> Unique(JsonElement element)
    {
        var seen = new HashSet<string>();
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                throw new InvalidDataException($"the name {CheckpointText.Quote(property.Name)} appears twice");
            yield return property;
        }
    }

    private void ReadMetadata(JsonElement element)
    {
        _where = MetadataKey;
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"the metadata must be an object of strings, got {element.ValueKind}");
        foreach (var property in Unique(element))
        {
            if (property.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"the metadata value of {CheckpointText.Quote(property.Name)} is a {property.Value.ValueKind}, not a string");
            Metadata.Add(property.Name, property.Value.GetString()!);
        }
    }

    private SafeTensorsEntry ReadEntry(string name, JsonElement element)
    {
        _where = CheckpointText.Quote(name);
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"a tensor entry must be an object, got {element.ValueKind}");
        string? code = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var property in Unique(element))
        {
            switch (property.Name)
            {
                case "dtype": code = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : throw new InvalidDataException($"the dtype must be a string, got {property.Value.ValueKind}"); break;
                case "shape": shape = [.. Integers(property.Value, "shape", ArrayPayload.MaxRank).Select(d => ArrayPayload.ToDimension(d))]; break;
                case "data_offsets": offsets = Integers(property.Value, "data_offsets", 2); break;
                default: throw new InvalidDataException($"unexpected field {CheckpointText.Quote(property.Name)} = {property.Value.ValueKind}");
            }
        }
        if (code is null || shape is null || offsets is not [var begin, var end])
            throw new InvalidDataException("a tensor entry needs a dtype, a shape and two data_offsets");
        if (!SafeTensorsEntry.TryParse(code, out var dtype))
            throw new InvalidDataException($"unsupported dtype {CheckpointText.Quote(code)}");
        long count = ArrayPayload.ElementCount(shape);
        if (begin < 0 || end < begin || count > long.MaxValue / dtype.ItemSize() || end - begin != count * dtype.ItemSize())
            throw new InvalidDataException($"data_offsets [{begin}, {end}] do not hold shape {Shapes.Format(shape)} of {code} ({Math.BigMul(count, dtype.ItemSize())} bytes)");
        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] Integers(JsonElement element, string field, int maxCount)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > maxCount)
            throw new InvalidDataException($"{field} must be a list of at most {maxCount} integers");
        return [.. element.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out long value)
            ? value
            : throw new InvalidDataException($"{field} holds {item.GetRawText()}, not an integer"))];
    }

    private void CheckTiling(long dataLength)
    {
        long cursor = 0;
        foreach (var entry in Entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != cursor)
            {
                _where = CheckpointText.Quote(entry.Name);
                throw new InvalidDataException($"the data starts at byte {entry.Begin}, but the tensors before it end at byte {cursor}");
            }
            cursor = entry.End;
        }
        if (cursor != dataLength)
            throw new InvalidDataException($"the data section has {dataLength} bytes, but the tensors cover {cursor}");
    }
}
