using System.Buffers.Binary;
using MessagePack;

namespace Flax;

/// <summary>
/// The msgpack bin and ext headers of array payloads whose bytes are streamed separately. MessagePackWriter's own
/// <c>WriteBinHeader</c> and <c>WriteExtensionFormatHeader</c> reserve room for the whole body after the header, which
/// would cost a buffer the size of each array; these write only the header, choosing the smallest form as the msgpack
/// spec (and Python's msgpack) does.
/// </summary>
internal static class StreamedHeaders
{
    /// <summary>bin 8 (<c>0xc4</c>), bin 16 (<c>0xc5</c>) or bin 32 (<c>0xc6</c>), with a big-endian length.</summary>
    internal static void WriteBinHeader(ref MessagePackWriter writer, int length)
    {
        var span = writer.GetSpan(5);
        int size = WriteLength(span, length, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32);
        writer.Advance(size);
    }

    /// <summary>fixext 1/2/4/8/16 (<c>0xd4</c>-<c>0xd8</c>) for those exact lengths, else ext 8/16/32
    /// (<c>0xc7</c>-<c>0xc9</c>) with a big-endian length; then the type code.</summary>
    internal static void WriteExtensionHeader(ref MessagePackWriter writer, sbyte type, int length)
    {
        var span = writer.GetSpan(6);
        int size = length switch
        {
            1 => Fixed(span, MessagePackCode.FixExt1),
            2 => Fixed(span, MessagePackCode.FixExt2),
            4 => Fixed(span, MessagePackCode.FixExt4),
            8 => Fixed(span, MessagePackCode.FixExt8),
            16 => Fixed(span, MessagePackCode.FixExt16),
            _ => WriteLength(span, length, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32),
        };
        span[size] = unchecked((byte)type);
        writer.Advance(size + 1);
    }

    private static int Fixed(Span<byte> span, byte code)
    {
        span[0] = code;
        return 1;
    }

    private static int WriteLength(Span<byte> span, int length, byte code8, byte code16, byte code32)
    {
        switch (length)
        {
            case <= byte.MaxValue:
                span[0] = code8;
                span[1] = (byte)length;
                return 2;
            case <= ushort.MaxValue:
                span[0] = code16;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
                return 3;
            default:
                span[0] = code32;
                BinaryPrimitives.WriteInt32BigEndian(span[1..], length);
                return 5;
        }
    }
}
