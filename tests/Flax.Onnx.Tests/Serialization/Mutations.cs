namespace Flax.Tests.Serialization;

/// <summary>Seeded mutations of valid files: byte flips, hostile bytes, overwritten lengths, truncations, insertions and deletions.</summary>
internal static class Mutations
{
    // Bytes that mean something to msgpack or to a length field: container and string headers, extension headers,
    // the never-used code, and the extremes.
    private static readonly byte[] Hostile = [0x00, 0x01, 0x7f, 0x80, 0x8f, 0x9f, 0xbf, 0xc0, 0xc1, 0xc4, 0xc6, 0xc7, 0xc9, 0xcf, 0xd4, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xff];

    /// <summary><paramref name="count"/> mutated copies of the originals, cycling through them.</summary>
    internal static IEnumerable<(byte[] Bytes, string What)> Of(IReadOnlyList<(string Name, byte[] Bytes)> originals, int count, int seed)
    {
        var random = new System.Random(seed);
        for (int i = 0; i < count; i++)
        {
            var (name, original) = originals[i % originals.Count];
            var (bytes, what) = Mutate(random, original);
            yield return (bytes, $"case {i}: {name} {what}");
        }
    }

    private static (byte[], string) Mutate(System.Random random, byte[] original)
    {
        var bytes = (byte[])original.Clone();
        int at = random.Next(bytes.Length);
        switch (random.Next(6))
        {
            case 0:
                int flips = random.Next(1, 4);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return (bytes, $"with {flips} random bytes");
            case 1:
                bytes[at] = Hostile[random.Next(Hostile.Length)];
                return (bytes, $"with byte {at} set to 0x{bytes[at]:x2}");
            case 2:
                int width = Math.Min(random.Next(1, 5), bytes.Length - at);
                bytes.AsSpan(at, width).Fill(random.Next(2) == 0 ? (byte)0xff : (byte)0x7f);
                return (bytes, $"with {width} bytes at {at} maxed");
            case 3:
                return (bytes[..at], $"truncated to {at} bytes");
            case 4:
                var inserted = new byte[random.Next(1, 9)];
                random.NextBytes(inserted);
                return ([.. bytes[..at], .. inserted, .. bytes[at..]], $"with {inserted.Length} bytes inserted at {at}");
            default:
                int length = Math.Min(random.Next(1, 9), bytes.Length - at);
                return ([.. bytes[..at], .. bytes[(at + length)..]], $"with {length} bytes deleted at {at}");
        }
    }
}
