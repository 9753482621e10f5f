using System.Buffers.Binary;
using System.Text;

namespace Flax.Tests.Serialization;

/// <summary>
/// Structure-aware hostile safetensors files: a JSON header of tensor entries whose names, dtypes, shapes and
/// data_offsets may be hostile (deep <c>/</c> nesting, duplicates, prefixes of each other, unpaired-surrogate escapes,
/// bytes that are not UTF-8, huge shapes, overlapping or out-of-file offsets), a length prefix that may lie (up to
/// 2^64 - 1), and a data section that may be short or long.
/// </summary>
internal static class HostileSafeTensors
{
    private static readonly string[] Codes = ["F32", "F64", "F16", "BF16", "I8", "I64", "U8", "BOOL", "F8_E4M3", "C64", "f32", ""];
    private static readonly string[] Dimensions = ["0", "1", "2", "3", "-1", "2147483647", "2147483648", "9223372036854775807", "1e30", "2.5", "\"2\"", "null"];
    private static readonly string[] Offsets = ["-1", "9223372036854775807", "18446744073709551615", "1.5", "null", "1e300"];

    /// <summary>One hostile file and a description of it.</summary>
    internal static (byte[] Bytes, string What) Next(System.Random random)
    {
        var header = new List<byte>();
        var what = new List<string>();
        void Text(string text) => header.AddRange(Encoding.UTF8.GetBytes(text));
        var names = new List<string>();
        long cursor = 0;
        int count = random.Next(7);
        Text("{");
        if (random.Next(8) == 0)
        {
            Text(random.Next(2) == 0 ? "\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}" : "\"__metadata__\":{\"k\":5}");
            what.Add("bad metadata");
            if (count > 0) Text(",");
        }
        for (int i = 0; i < count; i++)
        {
            if (i > 0) Text(",");
            Text("\"");
            string name = Name(random, names, out var nameWhat);
            if (nameWhat is not null) what.Add(nameWhat);
            if (nameWhat == "a name that is not UTF-8") header.AddRange(new byte[] { 0x70, 0xff, 0xc0 });
            else Text(name);
            names.Add(name);
            string code = Codes[random.Next(random.Next(6) == 0 ? Codes.Length : 8)];
            int rank = random.Next(8) == 0 ? new[] { 64, 65, 300 }[random.Next(3)] : random.Next(4);
            var dims = Enumerable.Range(0, rank).Select(_ => random.Next(6) == 0 ? Dimensions[random.Next(Dimensions.Length)] : random.Next(1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            long size = dims.Aggregate(1L, (a, d) => long.TryParse(d, out long v) && v >= 0 ? Math.Min(a * Math.Min(v, 1 << 10), 1 << 10) : a) * (code.Contains("64") ? 8 : 4);
            string begin = cursor.ToString(System.Globalization.CultureInfo.InvariantCulture), end = (cursor + size).ToString(System.Globalization.CultureInfo.InvariantCulture);
            switch (random.Next(10))
            {
                case 0: begin = Math.Max(0, cursor - 1 - random.Next(8)).ToString(System.Globalization.CultureInfo.InvariantCulture); what.Add("overlapping offsets"); break;
                case 1: end = (cursor + size + random.Next(1, 1 << 30)).ToString(System.Globalization.CultureInfo.InvariantCulture); what.Add("offsets past the data"); break;
                case 2: (begin, end) = (Offsets[random.Next(Offsets.Length)], Offsets[random.Next(Offsets.Length)]); what.Add("absurd offsets"); break;
            }
            if (long.TryParse(end, out long next) && next >= cursor && next - cursor < 1 << 13) cursor = next;
            string offsets = random.Next(20) == 0 ? $"[{begin}]" : $"[{begin},{end}]";
            Text($"\":{{\"dtype\":\"{code}\",\"shape\":[{string.Join(',', dims)}],\"data_offsets\":{offsets}}}");
        }
        Text("}");
        int damage = random.Next(10);
        if (damage == 0 && header.Count > 1) { header.RemoveRange(random.Next(header.Count), 1); what.Add("a byte cut from the JSON"); }
        if (damage == 1) { Text(new string('[', random.Next(1, 2000))); what.Add("trailing open lists"); }
        if (damage == 2) { header.Insert(0, (byte)' '); Text("\n "); what.Add("whitespace"); }

        long dataLength = random.Next(4) == 0 ? Math.Max(0, cursor + random.Next(-16, 16)) : cursor;
        ulong declared = (ulong)header.Count;
        switch (random.Next(10))
        {
            case 0: declared = ulong.MaxValue - (ulong)random.Next(16); break;
            case 1: declared = 1UL << random.Next(32, 64); break;
            case 2: declared = (ulong)(header.Count + dataLength + random.Next(1, 4)); break;
            case 3: declared = (ulong)random.Next(header.Count); break;
        }
        if (declared != (ulong)header.Count) what.Add($"header length {declared} for {header.Count} bytes");
        var bytes = new byte[8 + header.Count + Math.Min(dataLength, 1 << 16)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declared);
        header.CopyTo(bytes, 8);
        return (bytes, $"{count} tensors, data {dataLength} of {cursor} bytes{(what.Count > 0 ? ", " + string.Join(", ", what) : "")}");
    }

    private static string Name(System.Random random, List<string> previous, out string? what)
    {
        switch (random.Next(12))
        {
            case 0:
                int depth = new[] { 63, 64, 65, 1000, 19_000 }[random.Next(5)];
                what = $"a name {depth} parts deep";
                return string.Concat(Enumerable.Repeat("a/", depth - 1)) + "a";
            case 1 when previous.Count > 0:
                what = "a duplicate name";
                return previous[random.Next(previous.Count)];
            case 2 when previous.Count > 0:
                what = "a name nested under another";
                return previous[random.Next(previous.Count)] + "/x";
            case 3:
                what = "an empty path part";
                return new[] { "p//w", "/p", "p/", "" }[random.Next(4)];
            case 4:
                what = "an unpaired surrogate escape";
                return "p\\ud800w";
            case 5:
                what = "a name that is not UTF-8";
                return "p";
            default:
                what = null;
                return $"params/layer_{random.Next(4)}/w{previous.Count}";
        }
    }
}
