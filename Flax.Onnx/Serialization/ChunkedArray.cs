namespace Flax;

/// <summary>
/// Flax's chunked form for arrays larger than one msgpack object may hold (<c>flax.serialization._chunk</c> /
/// <c>_unchunk</c>): the dict <c>{"__msgpack_chunked_array__": true, "shape": {"0": d0, ...}, "chunks": {"0": c0,
/// ...}}</c>, where the chunks are consecutive 1-D pieces of the flattened array with
/// <see cref="ElementsPerChunk"/> elements each (the last one shorter).
/// </summary>
internal static class ChunkedArray
{
    /// <summary>The key that marks a dict as a chunked array.</summary>
    internal const string Marker = "__msgpack_chunked_array__";

    /// <summary>Arrays with more bytes than this are chunked (<c>MAX_CHUNK_SIZE = 2**30</c>).</summary>
    internal const long MaxChunkBytes = 1L << 30;

    /// <summary>Whether a decoded dict is a chunked array (Flax checks only for the marker key).</summary>
    internal static bool IsChunked(OrderedDictionary<string, object> map) => map.ContainsKey(Marker);

    /// <summary>Elements per chunk: <c>max(1, int(MAX_CHUNK_SIZE / itemsize))</c>.</summary>
    internal static int ElementsPerChunk(DType dtype, long maxChunkBytes) =>
        (int)Math.Clamp(maxChunkBytes / dtype.ItemSize(), 1, Array.MaxLength);

    /// <summary>Reassembles a decoded chunked array.</summary>
    /// <exception cref="InvalidDataException">The dict is not a well-formed chunked array: wrong keys, chunks that
    /// are not 1-D arrays of one dtype, or an element count that differs from the shape's.</exception>
    internal static NDArray Join(OrderedDictionary<string, object> map)
    {
        if (map.Count != 3 || !map.TryGetValue("shape", out var shapeNode) || !map.TryGetValue("chunks", out var chunksNode))
            throw new InvalidDataException($"a chunked array has exactly the keys {Marker}, shape and chunks; got {string.Join(", ", map.Keys.Select(CheckpointText.Quote))}");
        int[] shape = Tuple(shapeNode, "shape").Select(ArrayPayload.ToDimension).ToArray();
        if (shape.Length > ArrayPayload.MaxRank)
            throw new InvalidDataException($"the shape has {shape.Length} dimensions; at most {ArrayPayload.MaxRank} are allowed");
        var chunks = Tuple(chunksNode, "chunks")
            .Select((chunk, i) => chunk is NDArray { Rank: 1 } array ? array : throw NotAChunk(i, chunk))
            .ToList();
        if (chunks.Count == 0) throw new InvalidDataException("a chunked array needs at least one chunk");
        DType dtype = chunks[0].DType;
        if (chunks.FindIndex(chunk => chunk.DType != dtype) is var odd and >= 0)
            throw new InvalidDataException($"chunk {odd} is {chunks[odd].DType.Name()} but chunk 0 is {dtype.Name()}");
        long total = chunks.Sum(chunk => chunk.Size);
        long expected = ArrayPayload.ElementCount(shape);
        if (total != expected)
            throw new InvalidDataException($"the chunks hold {total} elements but shape {Shapes.Format(shape)} needs {expected}");
        if (total > Array.MaxLength / dtype.ItemSize())
            throw new InvalidDataException($"an array of {total} {dtype.Name()} elements does not fit one .NET buffer");
        var bytes = new byte[total * dtype.ItemSize()];
        int offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.Bytes.CopyTo(bytes.AsSpan(offset));
            offset += chunk.Bytes.Length;
        }
        return NDArray.FromBytes(dtype, shape, bytes);
    }

    /// <summary>The values of a dict keyed <c>"0"</c> ... <c>"n-1"</c>, in index order (Flax's <c>_dict_to_tuple</c>).</summary>
    private static List<object> Tuple(object node, string name)
    {
        if (node is not OrderedDictionary<string, object> dict)
            throw new InvalidDataException($"the chunked array's {name} must be a dict, got {CheckpointValues.Describe(node)}");
        var items = new List<object>();
        for (int i = 0; i < dict.Count; i++)
        {
            if (!dict.TryGetValue(i.ToString(System.Globalization.CultureInfo.InvariantCulture), out var item))
                throw new InvalidDataException($"the chunked array's {name} has {dict.Count} entries but no key \"{i}\"");
            items.Add(item);
        }
        return items;
    }

    private static InvalidDataException NotAChunk(int index, object value) =>
        new($"chunk {index} must be a 1-D array, got {CheckpointValues.Describe(value)}");
}
