namespace Flax;

public sealed partial class Scope
{
    /// <summary>This scope's PRNG sequences, with their path suffixes (what lifted transforms hand to inner scopes).</summary>
    internal IReadOnlyDictionary<string, LazyRng> LazyRngs => _rngs;

    /// <summary>This scope's PRNG counters (shared with the inner scopes of lifted transforms).</summary>
    internal RngCounters Counters => _counters;

    /// <summary>The hook that observes created values and drawn keys, if any (a trace's).</summary>
    internal IVariableHook? Hook => _hook;

    /// <summary>
    /// A new root scope for the body of a lifted transform (Flax's inner scope in <c>lift._partial_pack</c>): it holds
    /// <paramref name="variables"/>, keeps this scope's name, path and flags, and shares this scope's PRNG counters, so
    /// keys drawn inside continue this scope's sequences. With a transform <paramref name="name"/>, the path printed in
    /// errors wraps the last name in it (<c>/vmap(dense)</c>, or <c>/vmap()</c> at the root), as Flax's
    /// <c>debug_path</c> does.
    /// </summary>
    /// <param name="variables">The inner root's collections.</param>
    /// <param name="rngs">The inner root's PRNG sequences.</param>
    /// <param name="mutable">The collections it may change.</param>
    /// <param name="name">The transform's name for the debug path, or null to keep this scope's.</param>
    /// <param name="hook">The hook of the inner scope; default this scope's.</param>
    internal Scope Lifted(IDictionary<string, object> variables, Dictionary<string, LazyRng> rngs, Filter mutable,
        string? name = null, IVariableHook? hook = null) =>
        new(variables, rngs, Name, mutable, null, _path, Flags, _counters, hook ?? _hook)
        {
            _debugPath = name is null ? _debugPath
                : _debugPath.IsEmpty ? [$"{name}()"] : _debugPath.SetItem(_debugPath.Length - 1, $"{name}({_debugPath[^1]})"),
        };
}
