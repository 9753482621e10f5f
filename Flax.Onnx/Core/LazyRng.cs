using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Flax's <c>LazyRng</c>: a base key and the static data (child-scope names, then a counter) still to be folded into it.
/// Folding happens once, in <see cref="AsKey"/>: one SHA-1 over all of the suffix, then one <c>fold_in</c>
/// (<see cref="PrngKey.FoldInStatic(IReadOnlyList{object}, bool)"/>).
/// </summary>
/// <param name="key">The base key (the one passed to <c>Init</c>/<c>Apply</c>).</param>
/// <param name="suffix">Strings and non-negative integers to fold in.</param>
/// <param name="separator">Flax's <c>flax_fix_rng_separator</c>: a zero byte before every part (default off, as in Flax).</param>
internal sealed class LazyRng(PrngKey key, ImmutableArray<object> suffix, bool separator)
{
    /// <summary>The base key.</summary>
    public PrngKey Key { get; } = key;

    /// <summary>The parts still to fold in.</summary>
    public ImmutableArray<object> Suffix { get; } = suffix;

    /// <summary>Whether a zero byte precedes every part when folding.</summary>
    public bool Separator { get; } = separator;

    /// <summary>A base key with nothing to fold in yet.</summary>
    public static LazyRng Create(PrngKey key, bool separator) => new(key, [], separator);

    /// <summary>The same base key with <paramref name="parts"/> appended to the suffix (<c>LazyRng.create(rng, *suffix)</c>).</summary>
    public LazyRng Extend(params ReadOnlySpan<object> parts) => new(Key, Suffix.AddRange(parts), Separator);

    /// <summary>The key this stands for (<c>as_jax_rng</c>).</summary>
    public PrngKey AsKey() => Key.FoldInStatic(Suffix, Separator);
}
