using System.Buffers;

namespace Flax;

/// <summary>
/// Flax's msgpack checkpoints (<c>flax.serialization.to_bytes</c> / <c>from_bytes</c>), the format of
/// <c>open(path, "wb").write(flax.serialization.to_bytes(variables))</c> and of many published Flax models.
/// </summary>
/// <remarks>
/// <para>Layout: nested msgpack maps with string keys; arrays as msgpack extension 1 holding the packed
/// <c>(shape, dtype name, little-endian C-order bytes)</c>, split into Flax's chunked form when larger than 1 GiB;
/// Python complex numbers as extension 2; numpy scalars as extension 3. <see cref="Write(VariableDict, Stream)"/>
/// produces the same bytes Flax writes for the same tree, and <see cref="Read(ReadOnlyMemory{byte})"/> reads every
/// file Flax writes whose leaves have a <see cref="VariableDict"/> form.</para>
/// <para>Leaves map as follows: <see cref="NDArray"/> (every <see cref="DType"/>) is an ndarray, and
/// <see cref="ComplexArray"/> a complex64 or complex128 one; a numpy scalar is the .NET value of its dtype
/// (<c>np.float32</c> is <see cref="float"/>, <c>np.int32</c> is <see cref="int"/>, ...), except <c>np.int64</c>,
/// <c>np.float64</c>, <c>np.bool_</c> and the complex ones, which are <see cref="NumpyScalar{T}"/> so that they stay
/// numpy scalars when written; Python's int is <see cref="long"/> (<see cref="ulong"/> above
/// <see cref="long.MaxValue"/>), float is <see cref="double"/>, bool, str and bytes are <see cref="bool"/>,
/// <see cref="string"/> and <c>byte[]</c>, complex is <see cref="System.Numerics.Complex"/>, and <c>None</c> (as in
/// a <c>TrainState</c> with <c>batch_stats=None</c>) is <see cref="NoneLeaf.Value"/>, which <see cref="Restore"/>
/// treats as absent; a list is a dict keyed <c>"0"</c>, <c>"1"</c>, ... as Flax's state dicts store lists. Writing
/// uses the same map in reverse (a <see cref="ulong"/> leaf becomes an <c>np.uint64</c> scalar), so a file read and
/// written back is byte-identical. Whole train states (step, params, optax state) read with
/// <see cref="RestoreTrainState"/>.</para>
/// <para>Files are untrusted input: any damage (truncation, wrong lengths, impossible shapes, unknown dtypes, deep
/// nesting, non-string keys) is a <see cref="FlaxCheckpointException"/> naming the key path and byte offset, and
/// reading allocates no more than the file's own size justifies.</para>
/// </remarks>
public static partial class FlaxCheckpoint
{
    /// <summary>Decodes a checkpoint (Flax's <c>msgpack_restore</c>).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <returns>The variables, in the file's key order.</returns>
    /// <exception cref="FlaxCheckpointException">The bytes are not a Flax checkpoint of a dict of variables.</exception>
    public static VariableDict Read(ReadOnlyMemory<byte> bytes) => Decode(new ReadOnlySequence<byte>(bytes));

    /// <summary>Decodes a checkpoint read from <paramref name="stream"/>'s position to its end.</summary>
    /// <param name="stream">The source; it may be larger than 2 GiB.</param>
    /// <returns>The variables, in the file's key order.</returns>
    /// <exception cref="FlaxCheckpointException">The content is not a Flax checkpoint of a dict of variables.</exception>
    public static VariableDict Read(Stream stream) => Decode(StreamContent.ReadAll(stream));

    /// <summary>Decodes a checkpoint file.</summary>
    /// <param name="path">The file, e.g. one written with <c>flax.serialization.to_bytes</c>.</param>
    /// <returns>The variables, in the file's key order.</returns>
    /// <exception cref="FlaxCheckpointException">The file is not a Flax checkpoint of a dict of variables.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static VariableDict Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Encodes variables as Flax's <c>to_bytes</c> does, byte for byte.</summary>
    /// <param name="variables">The variables; every leaf must have a msgpack form (see the class remarks).</param>
    /// <returns>The checkpoint bytes.</returns>
    /// <exception cref="ArgumentException">The variables would make a file that <see cref="Read(ReadOnlyMemory{byte})"/>
    /// refuses: a leaf has no msgpack form (a tensor, a record, ...), a key or string holds an unpaired surrogate, a dict has Flax's chunked-array marker key, an array has over 64 dimensions, or leaves share such long key paths that the flattened paths exceed 64 characters per byte of the file.</exception>
    public static byte[] ToBytes(VariableDict variables)
    {
        var buffer = new MemoryStream();
        Write(variables, buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes variables to a stream as Flax's <c>to_bytes</c> does, byte for byte.</summary>
    /// <param name="variables">The variables; every leaf must have a msgpack form (see the class remarks).</param>
    /// <param name="stream">The destination; array bytes go to it without an intermediate copy.</param>
    /// <exception cref="ArgumentException">The variables would make a file that the reader refuses (see
    /// <see cref="ToBytes"/>); nothing has been written then.</exception>
    public static void Write(VariableDict variables, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(stream);
        CheckpointWriter.Write(variables, stream);
    }

    /// <summary>
    /// Writes variables to a file as Flax's <c>to_bytes</c> does. The file is replaced only once fully written, so a
    /// failure or a crash never leaves it half-written.
    /// </summary>
    /// <param name="variables">The variables; every leaf must have a msgpack form (see the class remarks).</param>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentException">The variables would make a file that the reader refuses (see
    /// <see cref="ToBytes"/>); the file is unchanged then.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(VariableDict variables, string path)
    {
        ArgumentNullException.ThrowIfNull(variables);
        AtomicFile.Write(path, stream => CheckpointWriter.Write(variables, stream));
    }

    /// <summary>
    /// Fits loaded variables to a target (Flax's <c>from_state_dict(target, state)</c>): the result has the target's
    /// structure and key order, and the loaded leaves. Unlike Flax, which ignores extra keys and trusts the leaves, it
    /// insists on an exact fit and reports every problem at once; a loaded <see cref="NoneLeaf"/> counts as absent
    /// (so <c>{"params": ..., "batch_stats": None}</c> fits a model without batch stats).
    /// </summary>
    /// <param name="target">The expected variables, e.g. from <c>Core.Init</c>; only its structure, shapes and dtypes are used.</param>
    /// <param name="loaded">The variables read from a checkpoint.</param>
    /// <returns>The loaded leaves in the target's structure.</returns>
    /// <exception cref="FlaxCheckpointException">Keys are missing or unexpected, or an array's shape or dtype differs
    /// from the target's, or a dict stands where the other has a leaf; the message lists each by full path.</exception>
    public static VariableDict Restore(VariableDict target, VariableDict loaded)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(loaded);
        return CheckpointRestore.Restore(target, loaded);
    }

    /// <summary>Decodes a checkpoint and fits it to a target (Flax's <c>from_bytes(target, encoded_bytes)</c>).</summary>
    /// <param name="target">The expected variables; only its structure, shapes and dtypes are used.</param>
    /// <param name="bytes">The whole file.</param>
    /// <returns>The loaded leaves in the target's structure.</returns>
    /// <exception cref="FlaxCheckpointException">The bytes are not a Flax checkpoint, or it does not fit the target.</exception>
    public static VariableDict FromBytes(VariableDict target, ReadOnlyMemory<byte> bytes) => Restore(target, Read(bytes));

    private static VariableDict Decode(ReadOnlySequence<byte> bytes) => VariableDict.Freeze(CheckpointReader.Read(bytes));
}
