using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Flax;

/// <summary>
/// The PRNG keys given to <c>Core.Init</c>, <c>Core.Apply</c> and <c>Core.Bind</c>: one base key per named sequence
/// (<c>params</c>, <c>dropout</c>, ...), like Flax's <c>rngs</c> dictionary. A single <see cref="PrngKey"/> converts
/// implicitly to <c>{"params": key}</c>, as Flax wraps a bare key; a <c>Dictionary&lt;string, PrngKey&gt;</c> converts too.
/// </summary>
/// <remarks>
/// <see cref="FixSeparator"/> opts into Flax's <c>flax_fix_rng_separator</c> fix; it is off by default so that keys
/// match Flax's bit for bit.
/// </remarks>
public sealed class Rngs : IReadOnlyDictionary<string, PrngKey>
{
    private readonly OrderedDictionary<string, PrngKey> _keys = [];

    /// <summary>The keys <c>{"params": key}</c>.</summary>
    /// <param name="paramsKey">The key of the <c>params</c> sequence.</param>
    public Rngs(PrngKey paramsKey) => _keys.Add("params", paramsKey);

    /// <summary>Named keys, e.g. <c>new Rngs(("params", k0), ("dropout", k1))</c>.</summary>
    /// <param name="keys">The sequence names and their base keys.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or a name is null.</exception>
    /// <exception cref="ArgumentException">A name is repeated.</exception>
    public Rngs(params (string Name, PrngKey Key)[] keys)
        : this((keys ?? throw new ArgumentNullException(nameof(keys))).Select(k => KeyValuePair.Create(k.Name, k.Key))) { }

    /// <summary>Named keys from any mapping (Flax's <c>rngs</c> dict), e.g. another <see cref="Rngs"/> or a read-only dictionary.</summary>
    /// <param name="keys">The sequence names and their base keys.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or a name is null.</exception>
    /// <exception cref="ArgumentException">A name is repeated.</exception>
    public Rngs(IEnumerable<KeyValuePair<string, PrngKey>> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var (name, key) in keys)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(keys));
            if (!_keys.TryAdd(name, key)) throw new ArgumentException($"Duplicate PRNG sequence name \"{name}\".", nameof(keys));
        }
    }

    /// <summary>Wraps one key as <c>{"params": key}</c>.</summary>
    /// <param name="paramsKey">The key of the <c>params</c> sequence.</param>
    public static implicit operator Rngs(PrngKey paramsKey) => new(paramsKey);

    /// <summary>Copies named keys (Flax's <c>rngs</c> dict).</summary>
    /// <param name="keys">The sequence names and their base keys.</param>
    public static implicit operator Rngs(Dictionary<string, PrngKey> keys) => new((IEnumerable<KeyValuePair<string, PrngKey>>)keys);

    /// <summary>
    /// Flax's <c>flax_fix_rng_separator</c>: when true, a zero byte separates the parts hashed into each derived key, so
    /// scope paths <c>ab/c</c> and <c>a/bc</c> no longer collide. Default false, Flax's default (bit-compatible keys).
    /// </summary>
    public bool FixSeparator { get; init; }

    /// <summary>The base key of sequence <paramref name="name"/> (Flax's <c>rngs[name]</c>).</summary>
    /// <param name="name">The sequence name.</param>
    /// <exception cref="KeyNotFoundException">There is no such sequence.</exception>
    public PrngKey this[string name] => _keys.TryGetValue(name, out var key) ? key : throw new KeyNotFoundException($"No PRNG sequence \"{name}\".");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _keys.Keys;

    /// <inheritdoc/>
    public IEnumerable<PrngKey> Values => _keys.Values;

    /// <inheritdoc/>
    public int Count => _keys.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _keys.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out PrngKey value) => _keys.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, PrngKey>> GetEnumerator() => _keys.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The lazy form every root scope starts from: each base key with an empty suffix.</summary>
    internal Dictionary<string, LazyRng> ToLazy() => _keys.ToDictionary(kv => kv.Key, kv => LazyRng.Create(kv.Value, FixSeparator));
}
