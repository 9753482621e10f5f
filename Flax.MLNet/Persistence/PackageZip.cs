using System.IO.Compression;

namespace Flax;

/// <summary>
/// The zip of a package, read defensively: every entry is read whole into an array whose size is checked before it
/// is allocated (against the bound its caller derives from the manifest, against what deflate can expand its
/// compressed bytes to, and against the package's length), then checked for its exact declared length and its
/// CRC-32. Errors are <see cref="FlaxPackageException"/>s naming the entry.
/// </summary>
internal sealed class PackageZip : IDisposable
{
    /// <summary>The name the exceptions give the zip as a whole.</summary>
    public const string ZipName = "(zip)";

    /// <summary>Deflate's largest expansion: 258 bytes from a 2-bit code, about 1032:1.</summary>
    private const long MaxDeflateRatio = 1032;

    private readonly ZipArchive _zip;
    private readonly long _length;

    private PackageZip(ZipArchive zip, long length)
    {
        _zip = zip;
        _length = length;
        Entries = zip.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);
    }

    /// <summary>The entries by name (checked unique by <see cref="Open"/>).</summary>
    public IReadOnlyDictionary<string, ZipArchiveEntry> Entries { get; }

    /// <summary>Opens the zip in <paramref name="stream"/> and reads its central directory.</summary>
    /// <exception cref="FlaxPackageException">The stream is not a readable zip, or names an entry twice.</exception>
    public static PackageZip Open(Stream stream)
    {
        ZipArchive? zip = null;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var duplicate = zip.Entries.GroupBy(e => e.FullName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new FlaxPackageException(duplicate.Key, "the zip holds this entry more than once.");
            return new PackageZip(zip, stream.CanSeek ? stream.Length : long.MaxValue);
        }
        catch (Exception e) when (IsZipFailure(e))
        {
            zip?.Dispose();
            throw new FlaxPackageException(ZipName, $"it is not a readable zip file ({e.Message})", innerException: e);
        }
        catch
        {
            zip?.Dispose();
            throw;
        }
    }

    /// <summary>Reads entry <paramref name="name"/> whole, refusing it when it declares more than
    /// <paramref name="limit"/> bytes (<paramref name="why"/> says where the limit comes from).</summary>
    /// <exception cref="FlaxPackageException">The entry is missing, too large, shorter or longer than it declares,
    /// or fails its CRC-32.</exception>
    public byte[] Read(string name, long limit, string why)
    {
        var entry = Entries.GetValueOrDefault(name) ?? throw new FlaxPackageException(name, "the package has no such entry.");
        long declared = entry.Length, compressed = entry.CompressedLength;
        if (declared > limit)
            throw new FlaxPackageException(name, $"the entry declares {declared} bytes, more than the {limit} {why}.");
        if (compressed > _length)
            throw new FlaxPackageException(name, $"the entry declares {compressed} compressed bytes, more than the package's {_length}.");
        if (declared > compressed * MaxDeflateRatio + 1024)
            throw new FlaxPackageException(name, $"the entry declares {declared} bytes from {compressed} compressed bytes, more than deflate expands to.");
        var bytes = new byte[declared];
        int read = 0;
        try
        {
            using var source = entry.Open();
            while (read < bytes.Length && source.Read(bytes, read, bytes.Length - read) is var n and > 0) read += n;
            if (read < bytes.Length)
                throw new FlaxPackageException(name, $"the entry ends after {read} of the {declared} bytes it declares.", read);
            if (source.Read(new byte[1]) != 0)
                throw new FlaxPackageException(name, $"the entry holds more than the {declared} bytes it declares.", declared);
        }
        catch (Exception e) when (IsZipFailure(e))
        {
            throw new FlaxPackageException(name, $"the entry cannot be decompressed ({e.Message})", read, e);
        }
        if (Crc32.Of(bytes) != entry.Crc32)
            throw new FlaxPackageException(name, $"the entry's CRC-32 is {Crc32.Of(bytes):x8}, not the {entry.Crc32:x8} it declares.");
        return bytes;
    }

    /// <summary>Releases the zip (not the stream).</summary>
    public void Dispose() => _zip.Dispose();

    /// <summary>What <see cref="ZipArchive"/> throws for damaged data (an unknown compression method is
    /// <see cref="NotSupportedException"/>, a cut-off stream <see cref="EndOfStreamException"/>).</summary>
    private static bool IsZipFailure(Exception e) => e is InvalidDataException or EndOfStreamException or NotSupportedException;
}
