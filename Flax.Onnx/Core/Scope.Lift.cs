namespace Flax;

public sealed partial class Scope
{
    /// <summary>This scope's PRNG sequences, with their path suffixes (what lifted transforms hand to inner scopes).</summary>
    internal IReadOnlyDictionary<string, LazyRng> LazyRngs => _rngs;

    /// <summary>
    /// A new root scope for the body of a lifted transform (Flax's inner scope in <c>lift._partial_pack</c>): it holds
    /// <paramref name="variables"/>, keeps this scope's name, path, flags and variable hook, and shares this scope's
    /// PRNG counters, so keys drawn inside continue this scope's sequences.
    /// </summary>
    internal Scope Lifted(IDictionary<string, object> variables, Dictionary<string, LazyRng> rngs, Filter mutable) =>
        new(variables, rngs, Name, mutable, null, _path, Flags, _counters, _hook);
}
