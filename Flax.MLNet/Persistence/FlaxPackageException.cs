namespace Flax;

/// <summary>
/// A saved model package (<see cref="FlaxTransformer.Save(string)"/>) could not be read: it is not a zip, an entry is
/// damaged, larger than it claims or than its manifest allows, or the manifest contradicts the ONNX graph or the
/// variables. The message names the entry (<c>manifest.json</c>, <c>model.onnx</c>, <c>variables/params/Dense_0/kernel</c>)
/// and, where one is meaningful, the byte offset inside it. Flax has no such file; this is the package counterpart of
/// <see cref="FlaxCheckpointException"/>.
/// </summary>
/// <remarks>
/// Common causes: a truncated or corrupted download; a file that is not a Flax package (an ML.NET model zip saved by
/// <c>mlContext.Model.Save</c>, which <c>mlContext.Model.Load</c> reads); a package edited by hand.
/// </remarks>
public sealed class FlaxPackageException : FlaxException
{
    internal FlaxPackageException(string entry, string message, long? offset = null, Exception? innerException = null)
        : base($"This is not a readable Flax model package: {entry}{(offset is { } at ? $" at byte {at}" : "")}: {message}", innerException)
    {
        Entry = entry;
        Offset = offset;
    }

    /// <summary>The zip entry at fault (<c>model.onnx</c>), or <c>(zip)</c> when the zip itself is unreadable.</summary>
    public string Entry { get; }

    /// <summary>The byte offset inside <see cref="Entry"/> where the fault was found, when one is meaningful.</summary>
    public long? Offset { get; }
}
