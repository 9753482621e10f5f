using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flax;

/// <summary>
/// The threefry2x32 block cipher with 20 rounds (Random123), exactly as JAX's <c>threefry2x32_p</c> computes it, for one
/// counter pair and for runs of counters (the partitionable <c>_threefry_random_bits_partitionable</c> of <c>jax/_src/prng.py</c>).
/// </summary>
internal static class Threefry
{
    /// <summary>Hashes the counter pair <paramref name="x0"/>, <paramref name="x1"/> under the key (k0, k1).</summary>
    public static (uint Y0, uint Y1) Hash(uint k0, uint k1, uint x0, uint x1)
    {
        uint y0 = x0, y1 = x1;
        Hash<Lane1, uint, float, double>(k0, k1, ref y0, ref y1);
        return (y0, y1);
    }

    /// <summary>
    /// Writes <c>y0 ^ y1</c> of <c>threefry2x32(key, hi32(i), lo32(i))</c> for the flat indices
    /// <c>i = start .. start + words.Length - 1</c>: JAX's partitionable 32-bit <c>random_bits</c>.
    /// </summary>
    /// <remarks><paramref name="start"/> must be a multiple of the lane count, so no vector straddles a 2^32 boundary.</remarks>
    public static void Bits32<L, TU, TF, TD>(PrngKey key, long start, Span<uint> words) where L : struct, ILanes<TU, TF, TD>
    {
        Debug.Assert(start % L.Count == 0);
        ref uint first = ref MemoryMarshal.GetReference(words);
        int j = 0;
        for (; j <= words.Length - L.Count; j += L.Count)
        {
            var (y0, y1) = HashAt<L, TU, TF, TD>(key, start + j);
            L.Store(L.Xor(y0, y1), ref Unsafe.Add(ref first, j));
        }
        for (; j < words.Length; j++)
        {
            var (y0, y1) = HashAt<Lane1, uint, float, double>(key, start + j);
            words[j] = y0 ^ y1;
        }
    }

    /// <summary>Writes both output words of <c>threefry2x32(key, hi32(i), lo32(i))</c> for the flat indices
    /// <c>start .. start + y0.Length - 1</c> (the input of 64-bit <c>random_bits</c>).</summary>
    public static void Words<L, TU, TF, TD>(PrngKey key, long start, Span<uint> y0, Span<uint> y1) where L : struct, ILanes<TU, TF, TD>
    {
        Debug.Assert(start % L.Count == 0 && y0.Length == y1.Length);
        int j = 0;
        for (; j <= y0.Length - L.Count; j += L.Count)
        {
            var (a, b) = HashAt<L, TU, TF, TD>(key, start + j);
            L.Store(a, ref y0[j]);
            L.Store(b, ref y1[j]);
        }
        for (; j < y0.Length; j++) (y0[j], y1[j]) = HashAt<Lane1, uint, float, double>(key, start + j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TU Y0, TU Y1) HashAt<L, TU, TF, TD>(PrngKey key, long index) where L : struct, ILanes<TU, TF, TD>
    {
        TU x0 = L.Broadcast((uint)(index >> 32)), x1 = L.Sequence((uint)index);
        Hash<L, TU, TF, TD>(key.Hi, key.Lo, ref x0, ref x1);
        return (x0, x1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Hash<L, TU, TF, TD>(uint key0, uint key1, ref TU x0, ref TU x1) where L : struct, ILanes<TU, TF, TD>
    {
        TU k0 = L.Broadcast(key0), k1 = L.Broadcast(key1), k2 = L.Broadcast(key0 ^ key1 ^ 0x1BD11BDAu);
        x0 = L.Add(x0, k0); x1 = L.Add(x1, k1);
        Rounds<L, TU, TF, TD>(ref x0, ref x1, 13, 15, 26, 6); Inject<L, TU, TF, TD>(ref x0, ref x1, k1, k2, 1);
        Rounds<L, TU, TF, TD>(ref x0, ref x1, 17, 29, 16, 24); Inject<L, TU, TF, TD>(ref x0, ref x1, k2, k0, 2);
        Rounds<L, TU, TF, TD>(ref x0, ref x1, 13, 15, 26, 6); Inject<L, TU, TF, TD>(ref x0, ref x1, k0, k1, 3);
        Rounds<L, TU, TF, TD>(ref x0, ref x1, 17, 29, 16, 24); Inject<L, TU, TF, TD>(ref x0, ref x1, k1, k2, 4);
        Rounds<L, TU, TF, TD>(ref x0, ref x1, 13, 15, 26, 6); Inject<L, TU, TF, TD>(ref x0, ref x1, k2, k0, 5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Inject<L, TU, TF, TD>(ref TU x0, ref TU x1, TU a, TU b, uint round) where L : struct, ILanes<TU, TF, TD>
    {
        x0 = L.Add(x0, a);
        x1 = L.Add(x1, L.Add(b, L.Broadcast(round)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rounds<L, TU, TF, TD>(ref TU x0, ref TU x1,
        [ConstantExpected(Min = 1, Max = 31)] byte r0, [ConstantExpected(Min = 1, Max = 31)] byte r1,
        [ConstantExpected(Min = 1, Max = 31)] byte r2, [ConstantExpected(Min = 1, Max = 31)] byte r3) where L : struct, ILanes<TU, TF, TD>
    {
        x0 = L.Add(x0, x1); x1 = L.Xor(L.RotateLeft(x1, r0), x0);
        x0 = L.Add(x0, x1); x1 = L.Xor(L.RotateLeft(x1, r1), x0);
        x0 = L.Add(x0, x1); x1 = L.Xor(L.RotateLeft(x1, r2), x0);
        x0 = L.Add(x0, x1); x1 = L.Xor(L.RotateLeft(x1, r3), x0);
    }
}
