using System.Buffers;

namespace Flax;

/// <summary>
/// safetensors files for <see cref="VariableDict"/>: each array leaf is one tensor named by its flattened path
/// (<c>params/Dense_0/kernel</c>, <see cref="VariableDict.Flatten"/>), with optional string metadata in the header.
/// The format of Hugging Face's <c>safetensors</c> library (<c>safetensors.flax.save_file</c> / <c>load_file</c> with
/// flattened keys).
/// </summary>
/// <remarks>
/// Written files put the tensors with the largest element size first, so with the 8-byte-aligned data section every
/// tensor is aligned to its element size; the header keeps the variables' order, and reading restores it. Only arrays
/// can be stored: empty dicts vanish and scalar leaves are refused. Files are untrusted input: any damage is a
/// <see cref="FlaxCheckpointException"/> naming the tensor or header part at fault.
/// </remarks>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";

    /// <summary>Reads the variables of a safetensors file.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <returns>The variables, nested by splitting tensor names at <c>/</c>, in header order.</returns>
    /// <exception cref="FlaxCheckpointException">The bytes are not a valid safetensors file, a dtype is not supported, or
    /// the names do not form a tree (one name is a path prefix of another, has an empty part, or has more than
    /// <see cref="VariableDict.MaxDepth"/> parts); the message names the tensor or header part and its byte offset.</exception>
    public static VariableDict Read(ReadOnlyMemory<byte> bytes) => Decode(new ReadOnlySequence<byte>(bytes));

    /// <summary>Reads the variables of a safetensors file from <paramref name="stream"/>'s position to its end.</summary>
    /// <param name="stream">The source; it may be larger than 2 GiB.</param>
    /// <returns>The variables, nested by splitting tensor names at <c>/</c>, in header order.</returns>
    /// <exception cref="FlaxCheckpointException">The content is not a valid safetensors file of variables.</exception>
    public static VariableDict Read(Stream stream) => Decode(StreamContent.ReadAll(stream));

    /// <summary>Reads the variables of a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The variables, nested by splitting tensor names at <c>/</c>, in header order.</returns>
    /// <exception cref="FlaxCheckpointException">The file is not a valid safetensors file of variables.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static VariableDict Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>The <c>__metadata__</c> strings of a safetensors file's header.</summary>
    /// <param name="bytes">The whole file (the header is validated against it).</param>
    /// <returns>The metadata, in header order; empty when the header has none.</returns>
    /// <exception cref="FlaxCheckpointException">The bytes are not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ReadOnlyMemory<byte> bytes) =>
        SafeTensorsHeader.Parse(new ReadOnlySequence<byte>(bytes)).Metadata;

    /// <summary>Writes the array leaves of <paramref name="variables"/> as a safetensors file.</summary>
    /// <param name="variables">The variables; every leaf must be an <see cref="NDArray"/>.</param>
    /// <param name="stream">The destination.</param>
    /// <param name="metadata">Strings for the header's <c>__metadata__</c>, if any.</param>
    /// <exception cref="ArgumentException">The file would be one that <see cref="Read(ReadOnlyMemory{byte})"/> refuses: a
    /// leaf is not an <see cref="NDArray"/> or has over 64 dimensions, a key is empty or contains <c>/</c>, a name is
    /// <c>__metadata__</c> or holds an unpaired surrogate, a metadata entry is null or not valid Unicode, or the header
    /// exceeds 100,000,000 bytes; nothing has been written then.</exception>
    public static void Write(VariableDict variables, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(stream);
        var arrays = Arrays(variables);
        CheckMetadata(metadata);
        var dataOrder = arrays.OrderByDescending(a => a.Array.DType.ItemSize()).ToList();
        var ranges = new Dictionary<string, (long Begin, long End)>();
        long offset = 0;
        foreach (var (name, array) in dataOrder)
        {
            ranges[name] = (offset, offset + array.Bytes.Length);
            offset += array.Bytes.Length;
        }
        var entries = arrays.Select(a => new SafeTensorsEntry(a.Name, a.Array.DType, a.Array.Shape, ranges[a.Name].Begin, ranges[a.Name].End));
        var header = SafeTensorsHeader.Encode(entries, metadata);
        if (header.Length - 8 > SafeTensorsHeader.MaxHeaderBytes)
            throw new ArgumentException($"The safetensors header would take {header.Length - 8} bytes; readers accept at most {SafeTensorsHeader.MaxHeaderBytes}.", nameof(variables));
        stream.Write(header);
        foreach (var (_, array) in dataOrder) stream.Write(array.Bytes);
    }

    /// <summary>
    /// Writes the array leaves of <paramref name="variables"/> as a safetensors file. The file is replaced only once
    /// fully written, so a failure or a crash never leaves it half-written.
    /// </summary>
    /// <param name="variables">The variables; every leaf must be an <see cref="NDArray"/>.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">Strings for the header's <c>__metadata__</c>, if any.</param>
    /// <exception cref="ArgumentException">The file would be one that <see cref="Read(ReadOnlyMemory{byte})"/> refuses: a
    /// leaf is not an <see cref="NDArray"/> or has over 64 dimensions, a key is empty or contains <c>/</c>, a name is
    /// <c>__metadata__</c> or holds an unpaired surrogate, a metadata entry is null or not valid Unicode, or the header
    /// exceeds 100,000,000 bytes; the file is unchanged then.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(VariableDict variables, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        AtomicFile.Write(path, stream => Write(variables, stream, metadata));
    }

    /// <summary>The tensors to write, refusing what <see cref="Read(ReadOnlyMemory{byte})"/> would refuse.</summary>
    private static List<(string Name, NDArray Array)> Arrays(VariableDict variables)
    {
        IReadOnlyDictionary<string, object> flat;
        try
        {
            flat = variables.Flatten();
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message, nameof(variables), e);
        }
        var arrays = new List<(string, NDArray)>(flat.Count);
        foreach (var (name, leaf) in flat)
        {
            string? problem = leaf switch
            {
                not NDArray => $"it holds arrays only, not {leaf.GetType().Name}",
                NDArray { Rank: > ArrayPayload.MaxRank } array => $"the array has {array.Rank} dimensions; readers accept at most {ArrayPayload.MaxRank}",
                _ when name == MetadataKey => $"the name {MetadataKey} is the header's metadata",
                _ when !CheckpointValues.IsValidUnicode(name) => "the name is not valid Unicode (an unpaired surrogate)",
                _ => null,
            };
            if (problem is not null) throw new ArgumentException($"Cannot write the leaf at {CheckpointText.Quote(name)} to safetensors: {problem}.", nameof(variables));
            arrays.Add((name, (NDArray)leaf));
        }
        return arrays;
    }

    private static void CheckMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (value is null) throw new ArgumentException($"The metadata value of {CheckpointText.Quote(key)} is null.", nameof(metadata));
            if (!CheckpointValues.IsValidUnicode(key) || !CheckpointValues.IsValidUnicode(value))
                throw new ArgumentException($"The metadata entry {CheckpointText.Quote(key)} is not valid Unicode (an unpaired surrogate).", nameof(metadata));
        }
    }

    private static VariableDict Decode(ReadOnlySequence<byte> file)
    {
        var header = SafeTensorsHeader.Parse(file);
        CheckNamesFormATree(header.Entries);
        var leaves = new List<KeyValuePair<string, object>>(header.Entries.Count);
        foreach (var entry in header.Entries)
        {
            long at = header.DataStart + entry.Begin;
            try
            {
                leaves.Add(new(entry.Name, CheckpointValues.ToArray(entry.DType, entry.Shape, file.Slice(at, entry.End - entry.Begin))));
            }
            catch (InvalidDataException e)
            {
                throw SafeTensorsHeader.Invalid(CheckpointText.Quote(entry.Name), at, e.Message, e);
            }
        }
        return VariableDict.Unflatten(leaves);
    }

    /// <summary>
    /// Refuses names that <see cref="VariableDict.Unflatten"/> cannot nest: empty parts, more than
    /// <see cref="VariableDict.MaxDepth"/> parts, or one name that is a path prefix of another. Linear in the names'
    /// total length: prefixes are looked up as spans, never copied.
    /// </summary>
    private static void CheckNamesFormATree(List<SafeTensorsEntry> entries)
    {
        var names = entries.Select(e => e.Name).ToHashSet();
        var lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var entry in entries)
        {
            string name = entry.Name;
            if (VariableDict.CheckPath(name) is { } problem)
                throw SafeTensorsHeader.Invalid(CheckpointText.Quote(name), entry.At, $"the name {problem}");
            for (int at = name.IndexOf(VariableDict.Separator); at >= 0; at = name.IndexOf(VariableDict.Separator, at + 1))
                if (lookup.Contains(name.AsSpan(0, at)))
                    throw SafeTensorsHeader.Invalid(CheckpointText.Quote(name), entry.At, $"the name is nested under the tensor {CheckpointText.Quote(name[..at])}");
        }
    }
}
