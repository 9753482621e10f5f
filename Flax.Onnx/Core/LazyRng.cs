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
/// <param name="traced">When a lifted loop derives the base key per iteration in the graph (<c>while_loop</c>'s
/// <c>fold_in(key, i)</c>), builds that key as a uint32 <c>(2,)</c> tensor of the trace being recorded; <paramref name="key"/>
/// is then the key before the fold, and only <see cref="AsKeyTensor"/> gives the key this stands for.</param>
internal sealed class LazyRng(PrngKey key, ImmutableArray<object> suffix, bool separator, Func<Tensor>? traced = null)
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
    public LazyRng Extend(params ReadOnlySpan<object> parts) => new(Key, Suffix.AddRange(parts), Separator, Traced);

    /// <summary>This base key with an empty suffix (<c>clear_suffix</c>), derived in the graph as this one is.</summary>
    public LazyRng ClearSuffix() => new(Key, [], Separator, Traced);

    /// <summary><c>split(key, num)</c> of the base key for a lifted transform that splits sequence <paramref name="name"/>
    /// on the host (<c>scan</c>, <c>vmap</c>).</summary>
    /// <exception cref="NotSupportedException">The base key is derived in the graph (an enclosing <c>while_loop</c>
    /// splits the sequence).</exception>
    public PrngKey[] SplitBase(int num, string name, string transform) => Traced is null ? Key.Split(num)
        : throw new NotSupportedException($"{transform} splits PRNG sequence \"{name}\", which an enclosing while_loop also splits: its key is fold_in(key, i) computed in the graph, and {transform} splits keys on the host. Leave the sequence unsplit in one of the two.");

    /// <summary>Builds the base key in the graph when a lifted loop derives it per iteration; null for a host key.</summary>
    public Func<Tensor>? Traced { get; } = traced;

    /// <summary>The key this stands for (<c>as_jax_rng</c>); only for a host base key (<see cref="Traced"/> null).</summary>
    public PrngKey AsKey() => Traced is null ? Key.FoldInStatic(Suffix, Separator)
        : throw new InvalidOperationException("A PRNG key derived in the graph has no host value.");

    /// <summary>The key this stands for as a uint32 <c>(2,)</c> tensor of the current trace: a constant for a host base
    /// key, else the traced base key with the suffix's static fold (<c>fold_in</c> of its SHA-1 value) in the graph.</summary>
    public Tensor AsKeyTensor()
    {
        if (Traced is null)
        {
            var key = AsKey();
            return NDArray.From([key.Hi, key.Lo], 2);
        }
        var baseKey = Traced();
        return Suffix.IsEmpty ? baseKey : baseKey.FoldIn(NDArray.Scalar(PrngKey.StaticFoldData(Suffix, Separator)));
    }
}
