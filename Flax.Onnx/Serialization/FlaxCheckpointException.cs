namespace Flax;

/// <summary>
/// A checkpoint file could not be read, or a loaded checkpoint does not fit its target. The message names the path
/// inside the file (<c>params/Dense_0/kernel</c>) and, for a damaged file, the byte offset of the value at fault.
/// Mirrors the <c>ValueError</c>s of <c>flax.serialization.from_bytes</c> / <c>from_state_dict</c>.
/// </summary>
/// <remarks>
/// Common causes: a truncated or corrupted download; a file in another format (a pickle, an Orbax directory);
/// an array dtype that <see cref="DType"/> lacks (<c>complex64</c>, <c>float8_e4m3fn</c>); restoring variables of a
/// different model (<c>FlaxCheckpoint.Restore(target, loaded)</c> then lists every missing key, unexpected key and
/// mismatched shape).
/// </remarks>
public sealed class FlaxCheckpointException : FlaxException
{
    internal FlaxCheckpointException(string message, Exception? innerException = null) : base(message, innerException)
    {
        HelpLink = "https://flax.readthedocs.io/en/latest/api_reference/flax.serialization.html";
    }
}
