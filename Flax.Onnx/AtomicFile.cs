namespace Flax;

/// <summary>
/// Writes a file so that it is never seen half-written: the content goes to a temporary file
/// <c>.&lt;name&gt;.&lt;32 hex digits&gt;.tmp</c> in the same directory, which replaces the destination only once
/// complete and flushed. On failure the destination is left as it was. A process killed while writing leaves its
/// temporary behind; the next successful write of the same destination deletes such stale temporaries.
/// </summary>
internal static class AtomicFile
{
    private const string Suffix = ".tmp";
    private const int RandomDigits = 32;

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>.</summary>
    internal static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!, name = Path.GetFileName(full);
        string temp = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}{Suffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        DeleteStaleTemporaries(directory, name);
    }

    /// <summary>Whether <paramref name="fileName"/> is a temporary this class makes for the destination <paramref name="name"/>.</summary>
    internal static bool IsTemporaryOf(string fileName, string name) =>
        fileName.Length == name.Length + RandomDigits + 2 + Suffix.Length
        && fileName.StartsWith($".{name}.", StringComparison.Ordinal)
        && fileName.EndsWith(Suffix, StringComparison.Ordinal)
        && !fileName.AsSpan(name.Length + 2, RandomDigits).ContainsAnyExcept("0123456789abcdef");

    /// <summary>
    /// Deletes the temporaries of <paramref name="name"/> left by killed writes. A temporary still being written by
    /// another writer is held open without sharing, so opening it fails and it is kept; only files matching this
    /// destination's exact pattern are touched. Failures are ignored: cleanup never fails a write that succeeded.
    /// </summary>
    private static void DeleteStaleTemporaries(string directory, string name)
    {
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(directory, $".{name}.*{Suffix}"))
            {
                if (!IsTemporaryOf(Path.GetFileName(candidate), name)) continue;
                try
                {
                    using var stale = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // In use by a live writer, or not ours to delete.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory cannot be listed; the write itself succeeded.
        }
    }
}
