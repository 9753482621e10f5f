using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Flax;

/// <summary>
/// A JAX threefry2x32 PRNG key: the raw key data <c>uint32[2]</c> that <c>jax.random.key(seed)</c> /
/// <c>jax.random.PRNGKey(seed)</c> hold. Immutable; equal keys give equal random streams.
/// </summary>
/// <param name="Hi">The first word of the key data (<c>key_data(k)[0]</c>).</param>
/// <param name="Lo">The second word of the key data (<c>key_data(k)[1]</c>).</param>
public readonly record struct PrngKey(uint Hi, uint Lo)
{
    /// <summary>
    /// Creates the key <c>jax.random.key(seed)</c> gives. With JAX's default 32-bit mode (<paramref name="enableX64"/>
    /// false) the key is <c>[0, seed mod 2^32]</c>; with <c>jax_enable_x64</c> it is <c>[seed &gt;&gt;&gt; 32, seed mod 2^32]</c>
    /// of the seed's 64-bit two's complement (so -1 gives <c>[4294967295, 4294967295]</c>).
    /// </summary>
    /// <param name="seed">The integer seed.</param>
    /// <param name="enableX64">Mirror <c>jax_enable_x64=True</c>.</param>
    public static PrngKey Create(long seed, bool enableX64 = false) =>
        new(enableX64 ? (uint)((ulong)seed >> 32) : 0u, unchecked((uint)seed));

    /// <summary>
    /// <c>jax.random.fold_in(key, data)</c>: a new key derived from this one and a 32-bit integer,
    /// <c>threefry2x32(key, 0, data)</c>. The same under every <c>jax_threefry_partitionable</c> setting.
    /// </summary>
    /// <param name="data">The value to fold in (JAX casts it to uint32).</param>
    public PrngKey FoldIn(uint data)
    {
        var (y0, y1) = Threefry.Hash(Hi, Lo, 0, data);
        return new PrngKey(y0, y1);
    }

    /// <summary>
    /// <c>jax.random.split(key, num)</c> under JAX's default <c>jax_threefry_partitionable=True</c>: key <c>i</c> is
    /// <c>threefry2x32(key, hi32(i), lo32(i))</c>, which equals <c>FoldIn(i)</c>.
    /// </summary>
    /// <param name="num">How many keys (at least 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="num"/> is negative.</exception>
    public PrngKey[] Split(int num = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num);
        var keys = new PrngKey[num];
        for (int i = 0; i < num; i++)
        {
            var (y0, y1) = Threefry.Hash(Hi, Lo, 0, (uint)i);
            keys[i] = new PrngKey(y0, y1);
        }
        return keys;
    }

    /// <summary>
    /// Flax's <c>_fold_in_static(rng, data)</c>: one SHA-1 over all <paramref name="parts"/> (strings as UTF-8, non-negative
    /// integers as minimal big-endian bytes, so 0 adds no byte), then one <c>fold_in</c> of the first four digest bytes
    /// read big-endian. No parts returns this key unchanged.
    /// </summary>
    /// <param name="parts">Strings and non-negative integers (the scope path and the rng counter).</param>
    /// <returns>The derived key.</returns>
    /// <exception cref="ArgumentException">A part is neither a string nor an integer, or is a negative integer.</exception>
    public PrngKey FoldInStatic(params object[] parts) => FoldInStatic(parts, separator: false);

    /// <summary>
    /// <see cref="FoldInStatic(object[])"/> with Flax's <c>flax_fix_rng_separator</c> option: when
    /// <paramref name="separator"/> is true a zero byte precedes every part, so <c>("ab", "c")</c> and <c>("a", "bc")</c>
    /// give different keys. Flax's default (and this library's) is false, for bit-compatibility with Flax.
    /// </summary>
    /// <param name="parts">Strings and non-negative integers.</param>
    /// <param name="separator">Prefix every part with a zero byte.</param>
    /// <returns>The derived key.</returns>
    /// <exception cref="ArgumentException">A part is neither a string nor an integer, or is a negative integer.</exception>
    public PrngKey FoldInStatic(IReadOnlyList<object> parts, bool separator)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Count == 0 ? this : FoldIn(StaticFoldData(parts, separator));
    }

    /// <summary>The 32-bit value <see cref="FoldInStatic(IReadOnlyList{object}, bool)"/> folds in for non-empty
    /// <paramref name="parts"/> (the first four SHA-1 digest bytes, big-endian), for folding into a traced key.</summary>
    internal static uint StaticFoldData(IReadOnlyList<object> parts, bool separator)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        foreach (var part in parts)
        {
            if (separator) sha.AppendData([0]);
            sha.AppendData(Encode(part));
        }
        Span<byte> digest = stackalloc byte[20];
        sha.GetHashAndReset(digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(digest);
    }

    private static byte[] Encode(object part)
    {
        switch (part)
        {
            case string s:
                return Encoding.UTF8.GetBytes(s);
            case sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger:
                var value = part switch { ulong u => new BigInteger(u), BigInteger b => b, _ => new BigInteger(Convert.ToInt64(part, CultureInfo.InvariantCulture)) };
                if (value.Sign < 0)
                    throw new ArgumentException($"Expected a non-negative integer to fold into a PRNG key, got: {value}.", nameof(part));
                return value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
            default:
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected int or string, got: {part ?? "null"}"), nameof(part));
        }
    }

    /// <summary>Prints the key data as JAX prints <c>jax.random.key_data(k)</c>: <c>[0 42]</c>.</summary>
    public override string ToString() => $"[{Hi} {Lo}]";
}
