using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Flax;

/// <summary>
/// Runs the PRNG kernels over an array: in fixed blocks of <see cref="BlockSize"/> elements spread over threads, and in
/// chunks small enough for the L1 cache inside a block. Every element depends only on the key and its flat index, so
/// neither the thread count nor the vector width changes a result.
/// </summary>
internal static class BlockRunner
{
    /// <summary>Elements per parallel work item.</summary>
    public const int BlockSize = 1 << 16;

    private const int ChunkSize = 1 << 12;

    /// <summary>Receives the threefry output words of the flat indices <c>start .. start + y0.Length - 1</c>.</summary>
    public delegate void WordsBody(long start, ReadOnlySpan<uint> y0, ReadOnlySpan<uint> y1);

    /// <summary>Fills <paramref name="buffer"/> (read as uint32 words) with <c>map(random_bits32(key, i))</c>.</summary>
    public static void Map<M>(PrngKey key, byte[] buffer, M map) where M : struct, IWordMap
    {
        var settings = PrngSettings.Current;
        switch (settings.VectorBits)
        {
            case 512: Map<M, Lanes512, Vector512<uint>, Vector512<float>, Vector512<double>>(key, buffer, map, settings.Threads); break;
            case 256: Map<M, Lanes256, Vector256<uint>, Vector256<float>, Vector256<double>>(key, buffer, map, settings.Threads); break;
            case 128: Map<M, Lanes128, Vector128<uint>, Vector128<float>, Vector128<double>>(key, buffer, map, settings.Threads); break;
            default: Map<M, Lane1, uint, float, double>(key, buffer, map, settings.Threads); break;
        }
    }

    /// <summary>Calls <paramref name="body"/> with both threefry words for every flat index below <paramref name="count"/>,
    /// one block at a time (concurrently for different blocks).</summary>
    public static void Words(PrngKey key, long count, WordsBody body)
    {
        var settings = PrngSettings.Current;
        switch (settings.VectorBits)
        {
            case 512: Words<Lanes512, Vector512<uint>, Vector512<float>, Vector512<double>>(key, count, body, settings.Threads); break;
            case 256: Words<Lanes256, Vector256<uint>, Vector256<float>, Vector256<double>>(key, count, body, settings.Threads); break;
            case 128: Words<Lanes128, Vector128<uint>, Vector128<float>, Vector128<double>>(key, count, body, settings.Threads); break;
            default: Words<Lane1, uint, float, double>(key, count, body, settings.Threads); break;
        }
    }

    private static void Map<M, L, TU, TF, TD>(PrngKey key, byte[] buffer, M map, int threads)
        where M : struct, IWordMap where L : struct, ILanes<TU, TF, TD>
    {
        long count = buffer.LongLength / sizeof(uint);
        ForEachBlock(count, threads, (start, length) =>
        {
            var block = MemoryMarshal.Cast<byte, uint>(buffer.AsSpan()).Slice((int)start, length);
            for (int c = 0; c < length; c += ChunkSize)
            {
                var words = block.Slice(c, Math.Min(ChunkSize, length - c));
                Threefry.Bits32<L, TU, TF, TD>(key, start + c, words);
                Apply<M, L, TU, TF, TD>(map, words);
            }
        });
    }

    private static void Words<L, TU, TF, TD>(PrngKey key, long count, WordsBody body, int threads) where L : struct, ILanes<TU, TF, TD>
    {
        ForEachBlock(count, threads, (start, length) =>
        {
            uint[] y0 = ArrayPool<uint>.Shared.Rent(length), y1 = ArrayPool<uint>.Shared.Rent(length);
            Threefry.Words<L, TU, TF, TD>(key, start, y0.AsSpan(0, length), y1.AsSpan(0, length));
            body(start, y0.AsSpan(0, length), y1.AsSpan(0, length));
            ArrayPool<uint>.Shared.Return(y0);
            ArrayPool<uint>.Shared.Return(y1);
        });
    }

    private static void Apply<M, L, TU, TF, TD>(M map, Span<uint> words) where M : struct, IWordMap where L : struct, ILanes<TU, TF, TD>
    {
        ref uint first = ref MemoryMarshal.GetReference(words);
        int j = 0;
        for (; j <= words.Length - L.Count; j += L.Count)
        {
            ref uint at = ref Unsafe.Add(ref first, j);
            L.Store(map.Apply<L, TU, TF, TD>(L.Load(ref at)), ref at);
        }
        for (; j < words.Length; j++) words[j] = map.Apply<Lane1, uint, float, double>(words[j]);
    }

    private static void ForEachBlock(long count, int threads, Action<long, int> block)
    {
        long blocks = (count + BlockSize - 1) / BlockSize;
        void Run(long b) => block(b * BlockSize, (int)Math.Min(BlockSize, count - b * BlockSize));
        if (threads == 1 || blocks <= 1)
            for (long b = 0; b < blocks; b++) Run(b);
        else
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, Run);
    }
}
