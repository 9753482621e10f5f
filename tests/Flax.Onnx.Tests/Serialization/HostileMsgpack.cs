using System.Buffers;
using MessagePack;

namespace Flax.Tests.Serialization;

/// <summary>
/// Structure-aware hostile Flax checkpoints: valid msgpack framing around the values a reader must refuse or bound
/// (deep nesting, huge declared counts and lengths, absurd array shapes and dtypes, duplicate, non-string and
/// non-UTF-8 keys, one long key shared by many leaves, malformed chunked arrays and extensions).
/// </summary>
internal static class HostileMsgpack
{
    private static readonly string[] DTypeNames = ["float32", "float64", "int8", "uint64", "bool", "bfloat16", "complex64", "float8_e4m3fn", "", "<f4", "object"];
    private static readonly long[] Dimensions = [0, 1, 2, 3, 255, -1, int.MaxValue, 1L << 32, long.MaxValue];
    private static readonly uint[] Lengths = [0, 1, 7, 255, 65_535, 65_536, int.MaxValue, uint.MaxValue];
    private static readonly byte[][] BadUtf8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]];

    /// <summary>One hostile file and a description of it.</summary>
    internal static (byte[] Bytes, string What) Next(System.Random random)
    {
        int kind = random.Next(8);
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(1);
        w.Write("params");
        string what = kind switch
        {
            0 => Deep(ref w, random),
            1 => HugeHeader(ref w, random),
            2 => Array(ref w, random),
            3 => BadKeys(ref w, random),
            4 => SharedLongKey(ref w, random),
            5 => Chunked(ref w, random),
            6 => Extension(ref w, random),
            _ => Lists(ref w, random),
        };
        w.Flush();
        return (buffer.WrittenSpan.ToArray(), what);
    }

    private static string Deep(ref MessagePackWriter w, System.Random random)
    {
        int depth = new[] { 62, 63, 64, 65, 1000, 100_000 }[random.Next(6)];
        bool lists = random.Next(2) == 0;
        for (int i = 0; i < depth; i++)
        {
            if (lists) w.WriteArrayHeader(1);
            else
            {
                w.WriteMapHeader(1);
                w.Write("a");
            }
        }
        w.Write(1);
        return $"nested {depth} deep in {(lists ? "lists" : "dicts")}";
    }

    private static string HugeHeader(ref MessagePackWriter w, System.Random random)
    {
        uint length = Lengths[random.Next(Lengths.Length)];
        int which = random.Next(5);
        // The 32-bit forms of map, array, str, bin and ext (type 1), written raw so any length can be declared.
        var header = new byte[which == 4 ? 6 : 5];
        header[0] = new byte[] { 0xdf, 0xdd, 0xdb, 0xc6, 0xc9 }[which];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        if (which == 4) header[5] = 1;
        w.WriteRaw(header);
        var tail = new byte[random.Next(16)];
        random.NextBytes(tail);
        w.WriteRaw(tail);
        return $"a {new[] { "map", "array", "str", "bin", "ext" }[which]} header declaring {length} with {tail.Length} bytes after it";
    }

    private static byte[] Payload(System.Random random, out string what)
    {
        int rank = random.Next(4) == 0 ? new[] { 63, 64, 65, 1000 }[random.Next(4)] : random.Next(4);
        var dims = Enumerable.Range(0, rank).Select(_ => random.Next(3) == 0 ? Dimensions[random.Next(Dimensions.Length)] : random.Next(4)).ToArray();
        string dtype = DTypeNames[random.Next(DTypeNames.Length)];
        int dataLength = random.Next(3) == 0 ? random.Next(64) : (int)Math.Clamp(dims.Aggregate(1L, (a, d) => d < 0 ? a : a * d) * 4, 0, 4096);
        var buffer = new ArrayBufferWriter<byte>();
        var p = new MessagePackWriter(buffer);
        p.WriteArrayHeader(3);
        p.WriteArrayHeader(rank);
        foreach (long d in dims) p.Write(d);
        p.Write(dtype);
        p.Write(new byte[dataLength]);
        p.Flush();
        what = $"shape ({string.Join(", ", dims.Take(8))}{(rank > 8 ? ", ..." : "")}) {dtype} with {dataLength} data bytes";
        return buffer.WrittenSpan.ToArray();
    }

    private static string Array(ref MessagePackWriter w, System.Random random)
    {
        var payload = Payload(random, out var what);
        w.WriteMapHeader(1);
        w.Write("x");
        w.WriteExtensionFormatHeader(new ExtensionHeader(random.Next(4) == 0 ? (sbyte)3 : (sbyte)1, payload.Length));
        w.WriteRaw(payload);
        return $"an array of {what}";
    }

    private static string BadKeys(ref MessagePackWriter w, System.Random random)
    {
        int which = random.Next(3);
        w.WriteMapHeader(2);
        switch (which)
        {
            case 0:
                w.Write("k");
                w.Write(1);
                w.Write("k");
                break;
            case 1:
                w.Write(7);
                w.Write(1);
                if (random.Next(2) == 0) w.WriteNil(); else w.Write(new byte[] { 1 });
                break;
            default:
                var bad = BadUtf8[random.Next(BadUtf8.Length)];
                w.Write("k");
                w.Write(1);
                w.WriteStringHeader(bad.Length + 1);
                w.WriteRaw((byte[])[(byte)'k', .. bad]);
                break;
        }
        w.Write(2);
        return new[] { "a duplicate key", "a non-string key", "a key that is not UTF-8" }[which];
    }

    private static string SharedLongKey(ref MessagePackWriter w, System.Random random)
    {
        int length = random.Next(1, 50_000), leaves = random.Next(1, 5_000);
        w.WriteMapHeader(1);
        w.Write(new string('k', length));
        w.WriteMapHeader(leaves);
        for (int i = 0; i < leaves; i++)
        {
            w.Write(i);
            w.Write(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        }
        return $"{leaves} leaves under one {length}-character key";
    }

    private static string Chunked(ref MessagePackWriter w, System.Random random)
    {
        int chunks = random.Next(4);
        w.WriteMapHeader(random.Next(3) == 0 ? 2 : 3);
        w.Write("__msgpack_chunked_array__");
        w.Write(true);
        w.Write("shape");
        int rank = random.Next(3);
        w.WriteMapHeader(rank);
        for (int i = 0; i < rank; i++)
        {
            w.Write(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.Write(Dimensions[random.Next(Dimensions.Length)]);
        }
        w.Write("chunks");
        w.WriteMapHeader(chunks);
        for (int i = 0; i < chunks; i++)
        {
            w.Write(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var payload = Payload(random, out _);
            w.WriteExtensionFormatHeader(new ExtensionHeader(1, payload.Length));
            w.WriteRaw(payload);
        }
        return $"a chunked array of rank {rank} with {chunks} chunks";
    }

    private static string Extension(ref MessagePackWriter w, System.Random random)
    {
        sbyte type = (sbyte)random.Next(-2, 6);
        var payload = new byte[random.Next(24)];
        random.NextBytes(payload);
        if (random.Next(2) == 0 && payload.Length > 0) payload[0] = 0x92;
        w.WriteExtensionFormatHeader(new ExtensionHeader(type, (uint)payload.Length + (uint)random.Next(2)));
        w.WriteRaw(payload);
        return $"extension {type} with {payload.Length} random bytes";
    }

    private static string Lists(ref MessagePackWriter w, System.Random random)
    {
        int count = random.Next(1, 1000);
        w.WriteArrayHeader(count);
        for (int i = 0; i < count; i++)
            if (random.Next(50) == 0) w.WriteNil(); else w.Write(i);
        return $"a list of {count} integers";
    }
}
