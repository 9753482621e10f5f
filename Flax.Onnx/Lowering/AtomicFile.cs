namespace Flax;

/// <summary>Writes a file all at once: into a temporary file beside it, then moved over the target, so readers
/// never see a half-written file and a failure leaves the target untouched.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    internal static void Write(string path, Action<Stream> write)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                write(stream);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
