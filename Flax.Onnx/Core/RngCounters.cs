namespace Flax;

/// <summary>
/// The per-scope PRNG counters of Flax's <c>rng_counters</c>: how many keys each sequence has handed out, and the
/// counters of each child scope by name. Shared (by reference) between a scope, its <c>Rewound()</c> copies and
/// children re-pushed under the same name, so repeated calls draw new keys.
/// </summary>
internal sealed class RngCounters
{
    private readonly Dictionary<string, int> _counts;
    private readonly Dictionary<string, RngCounters> _children = [];

    /// <summary>Counters at zero for <paramref name="sequences"/>.</summary>
    public RngCounters(IEnumerable<string> sequences) => _counts = sequences.ToDictionary(s => s, _ => 0);

    /// <summary>Increments the counter of <paramref name="sequence"/> and returns the new count (the first call gives 1).</summary>
    public int Next(string sequence) => _counts[sequence] = _counts.GetValueOrDefault(sequence) + 1;

    /// <summary>The counters of child <paramref name="name"/>, created at zero for <paramref name="sequences"/> on first use.</summary>
    public RngCounters Child(string name, IEnumerable<string> sequences)
    {
        if (!_children.TryGetValue(name, out var child)) _children.Add(name, child = new RngCounters(sequences));
        return child;
    }
}
