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

    /// <summary>A deep copy of the counts (this scope's and its children's), to replay a trace from (<see cref="Restore"/>).</summary>
    public RngCounters Snapshot()
    {
        var copy = new RngCounters(_counts.Keys);
        foreach (var (name, count) in _counts) copy._counts[name] = count;
        foreach (var (name, child) in _children) copy._children[name] = child.Snapshot();
        return copy;
    }

    /// <summary>Sets the counts back to <paramref name="snapshot"/>'s in place (children made since are forgotten), as a
    /// lifted transform that traces its body once per index must, since JAX traces it once.</summary>
    public void Restore(RngCounters snapshot)
    {
        _counts.Clear();
        foreach (var (name, count) in snapshot._counts) _counts[name] = count;
        foreach (var name in _children.Keys.Where(n => !snapshot._children.ContainsKey(n)).ToList()) _children.Remove(name);
        foreach (var (name, child) in snapshot._children)
        {
            if (_children.TryGetValue(name, out var mine)) mine.Restore(child);
            else _children[name] = child.Snapshot();
        }
    }

    /// <summary>How far every count (this scope's and its children's) advanced since <paramref name="before"/>.</summary>
    public RngCounters Since(RngCounters before)
    {
        var delta = new RngCounters([]);
        foreach (var (name, count) in _counts) delta._counts[name] = count - before._counts.GetValueOrDefault(name);
        foreach (var (name, child) in _children)
            delta._children[name] = child.Since(before._children.TryGetValue(name, out var old) ? old : new RngCounters([]));
        return delta;
    }

    /// <summary>Advances the counts by <paramref name="delta"/> (from <see cref="Since"/>), as Flax's <c>jit</c> replays
    /// the counter changes of a cached trace.</summary>
    public void Advance(RngCounters delta)
    {
        foreach (var (name, count) in delta._counts) _counts[name] = _counts.GetValueOrDefault(name) + count;
        foreach (var (name, child) in delta._children)
        {
            if (!_children.TryGetValue(name, out var mine)) _children[name] = mine = new RngCounters([]);
            mine.Advance(child);
        }
    }
}
