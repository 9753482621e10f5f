namespace Flax;

/// <summary>One tensor of a safetensors header: its name, dtype, shape and byte range within the data section.</summary>
/// <param name="Name">The tensor name; here a flattened variable path such as <c>params/Dense_0/kernel</c>.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimension sizes.</param>
/// <param name="Begin">The first byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte.</param>
internal sealed record SafeTensorsEntry(string Name, DType DType, int[] Shape, long Begin, long End)
{
    /// <summary>The byte offset of the entry's name in a file that was read (0 for an entry being written).</summary>
    internal long At { get; init; }

    /// <summary>The safetensors dtype code (<c>F32</c>, <c>BF16</c>, <c>BOOL</c>, ...).</summary>
    internal static string Code(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        DType.Int8 => "I8",
        DType.Int16 => "I16",
        DType.Int32 => "I32",
        DType.Int64 => "I64",
        DType.UInt8 => "U8",
        DType.UInt16 => "U16",
        DType.UInt32 => "U32",
        DType.UInt64 => "U64",
        _ => "BOOL",
    };

    /// <summary>Parses a safetensors dtype code.</summary>
    /// <returns>Whether <paramref name="code"/> names a dtype <see cref="DType"/> has.</returns>
    internal static bool TryParse(string code, out DType dtype)
    {
        foreach (var candidate in Enum.GetValues<DType>())
            if (Code(candidate) == code) { dtype = candidate; return true; }
        dtype = default;
        return false;
    }
}
