using System.Text;

namespace Flax;

public sealed partial class VariableDict
{
    /// <summary>The separator of flattened keys: <c>params/Dense_0/kernel</c>.</summary>
    public const char Separator = '/';

    /// <summary>
    /// The leaves keyed by their path joined with <c>/</c>, e.g. <c>params/Dense_0/kernel</c>, in insertion order
    /// (Flax's <c>traverse_util.flatten_dict(xs, sep='/')</c>). Empty nested dictionaries have no leaf and vanish.
    /// Time and memory are linear in the total length of the paths returned.
    /// </summary>
    /// <returns>The flat dictionary.</returns>
    /// <exception cref="InvalidOperationException">A key contains <c>/</c> or is empty, which would make paths ambiguous.</exception>
    public IReadOnlyDictionary<string, object> Flatten()
    {
        var flat = new OrderedDictionary<string, object>();
        FlattenInto(flat, new StringBuilder());
        return flat;
    }

    // One builder holds the current prefix, so each leaf costs one string of its own path; recursion is bounded by MaxDepth.
    private void FlattenInto(OrderedDictionary<string, object> flat, StringBuilder path)
    {
        int prefix = path.Length;
        foreach (var (key, value) in _items)
        {
            if (key.Length == 0 || key.Contains(Separator))
                throw new InvalidOperationException($"Cannot flatten key {CheckpointText.Quote(path + key)}: keys must be non-empty and contain no '{Separator}'.");
            path.Append(key);
            if (value is VariableDict nested) nested.FlattenInto(flat, path.Append(Separator));
            else flat.Add(path.ToString(), value);
            path.Length = prefix;
        }
    }

    /// <summary>
    /// Rebuilds a nested dictionary from <c>/</c>-joined paths (Flax's <c>traverse_util.unflatten_dict(xs, sep='/')</c>),
    /// the inverse of <see cref="Flatten"/>. Time and memory are linear in the total length of the paths.
    /// </summary>
    /// <param name="flat">Leaves keyed by path, e.g. <c>params/Dense_0/kernel</c>.</param>
    /// <returns>The nested dictionary, in the order paths first appear.</returns>
    /// <exception cref="ArgumentException">A path has an empty part or more than <see cref="MaxDepth"/> parts, or one
    /// path is a prefix of another, or a value is null.</exception>
    public static VariableDict Unflatten(IEnumerable<KeyValuePair<string, object>> flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        var root = new OrderedDictionary<string, object>();
        foreach (var (path, value) in flat)
        {
            ArgumentNullException.ThrowIfNull(path);
            if (CheckPath(path) is { } problem) throw new ArgumentException($"Path {CheckpointText.Quote(path)} {problem}.", nameof(flat));
            var node = root;
            int start = 0;
            for (int end = path.IndexOf(Separator); end >= 0; start = end + 1, end = path.IndexOf(Separator, start))
            {
                string part = path[start..end];
                if (!node.TryGetValue(part, out var child)) node.Add(part, child = new OrderedDictionary<string, object>());
                node = child as OrderedDictionary<string, object>
                    ?? throw new ArgumentException($"Path {CheckpointText.Quote(path)} goes through {CheckpointText.Quote(path[..end])}, which is a leaf.", nameof(flat));
            }
            if (!node.TryAdd(path[start..], value ?? throw new ArgumentException($"The value of {CheckpointText.Quote(path)} is null.", nameof(flat))))
                throw new ArgumentException($"Path {CheckpointText.Quote(path)} is given twice or is a prefix of another path.", nameof(flat));
        }
        return Freeze(root);
    }

    /// <summary>What makes <paramref name="path"/> unusable as a flattened key (an empty part, too many parts), or null.</summary>
    internal static string? CheckPath(ReadOnlySpan<char> path)
    {
        int parts = path.Count(Separator) + 1;
        if (parts > MaxDepth) return $"has {parts} parts; a VariableDict nests at most {MaxDepth} levels";
        if (path.IsEmpty || path[0] == Separator || path[^1] == Separator || path.IndexOf([Separator, Separator]) >= 0)
            return "has an empty part";
        return null;
    }
}
