using System.Buffers;
using System.Text;
using MessagePack;

namespace Flax;

/// <summary>Small pieces shared by the checkpoint readers: integers, strict UTF-8 and describing a value.</summary>
internal static class CheckpointValues
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a msgpack integer as Python does: a <see cref="long"/>, or a <see cref="ulong"/> above
    /// <see cref="long.MaxValue"/>.</summary>
    internal static object ReadInteger(ref MessagePackReader reader)
    {
        if (reader.NextCode != MessagePackCode.UInt64) return reader.ReadInt64();
        ulong value = reader.ReadUInt64();
        return value <= long.MaxValue ? (long)value : value;
    }

    /// <summary>The bytes of the next msgpack str or bin, without copying them.</summary>
    /// <exception cref="EndOfStreamException">The declared length runs past the data (the msgpack reader reports some
    /// such lengths as an argument error, which is mapped here).</exception>
    internal static ReadOnlySequence<byte> ReadBytes(ref MessagePackReader reader)
    {
        try
        {
            return reader.NextMessagePackType == MessagePackType.String ? reader.ReadStringSequence()!.Value : reader.ReadBytes()!.Value;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new EndOfStreamException("A declared length runs past the end of the data.", e);
        }
    }

    /// <summary>Decodes UTF-8, refusing invalid bytes as Python's msgpack does.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid UTF-8.</exception>
    internal static string DecodeUtf8(ReadOnlySequence<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("a string is not valid UTF-8", e);
        }
    }

    /// <summary>Whether <paramref name="text"/> is valid UTF-16 (no unpaired surrogate), so UTF-8 can encode it as is.</summary>
    internal static bool IsValidUnicode(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out int used) != OperationStatus.Done) return false;
            text = text[used..];
        }
        return true;
    }

    /// <summary>The index of the first byte of <paramref name="bytes"/> that is not valid UTF-8, or null when all are.</summary>
    internal static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return null;
        }
        catch (DecoderFallbackException e)
        {
            return e.Index;
        }
    }

    /// <summary>
    /// A new array holding a copy of <paramref name="data"/>, whose length the caller has checked against the shape.
    /// Booleans are stored as 0 or 1: numpy treats any non-zero byte as True, and .NET <see cref="bool"/>s compare sanely
    /// only as 0 or 1.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is larger than one .NET array.</exception>
    internal static NDArray ToArray(DType dtype, int[] shape, ReadOnlySequence<byte> data)
    {
        if (data.Length > Array.MaxLength)
            throw new InvalidDataException($"an array of {data.Length} bytes does not fit one .NET buffer");
        var bytes = data.ToArray();
        if (dtype == DType.Bool)
            for (int i = 0; i < bytes.Length; i++)
                if (bytes[i] > 1) bytes[i] = 1;
        return NDArray.FromBytes(dtype, shape, bytes);
    }

    /// <summary>A short description of a value for error messages: <c>a dict</c>, <c>an array (2, 3) float32</c>, <c>Int64 7</c>.</summary>
    internal static string Describe(object value) => value switch
    {
        IReadOnlyDictionary<string, object> => "a dict",
        IShaped array => $"an array {Shapes.Format(array.Shape)} {array.DType.Name()}",
        string => "a string",
        byte[] => "bytes",
        NoneLeaf => "None",
        _ => $"{value.GetType().Name} {value}",
    };
}
