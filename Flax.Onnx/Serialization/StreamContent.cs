using System.Buffers;

namespace Flax;

/// <summary>
/// Reads a stream to its end into a <see cref="ReadOnlySequence{T}"/> of growing segments, so a checkpoint larger than
/// one .NET array (2 GiB) can be decoded, and a short stream costs little: memory stays within the stream's length
/// plus one partly filled segment.
/// </summary>
internal static class StreamContent
{
    private const int FirstSegment = 1 << 16;
    private const int LargestSegment = 1 << 26;

    /// <summary>Everything from the stream's position to its end.</summary>
    internal static ReadOnlySequence<byte> ReadAll(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Segment? first = null, last = null;
        for (int size = FirstSegment; ; size = Math.Min(size * 2, LargestSegment))
        {
            var buffer = new byte[size];
            int filled = stream.ReadAtLeast(buffer, size, throwOnEndOfStream: false);
            if (filled > 0)
            {
                var segment = new Segment(buffer.AsMemory(0, filled), last);
                first ??= segment;
                last = segment;
            }
            if (filled < size) break;
        }
        return last is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first!, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is null) return;
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }
}
