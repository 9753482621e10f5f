using System.Buffers;

namespace Flax;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that collects small msgpack tokens in one buffer and lets large blocks (array
/// bytes) go straight to the stream, so writing a checkpoint never holds a second copy of its arrays.
/// </summary>
internal sealed class StreamBufferWriter(Stream stream) : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[1 << 16];
    private int _count;

    /// <inheritdoc/>
    public void Advance(int count) => _count += count;

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_count);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_count);
    }

    /// <summary>Writes the buffered bytes, then <paramref name="block"/>, to the stream.</summary>
    public void WriteThrough(ReadOnlySpan<byte> block)
    {
        Drain();
        stream.Write(block);
    }

    /// <summary>Writes the buffered bytes to the stream.</summary>
    public void Drain()
    {
        stream.Write(_buffer, 0, _count);
        _count = 0;
    }

    private void Reserve(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _count >= needed) return;
        Drain();
        if (_buffer.Length < needed) _buffer = new byte[needed];
    }
}
