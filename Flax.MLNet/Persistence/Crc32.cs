namespace Flax;

/// <summary>The zip format's CRC-32 (polynomial 0xEDB88320), to check an entry against its declared checksum.</summary>
/// <remarks>.NET 10's <c>ZipArchiveEntry</c> does not check it (.NET 11 will); System.IO.Hashing would be a new
/// dependency for twenty lines.</remarks>
internal static class Crc32
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of <paramref name="bytes"/>.</summary>
    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
