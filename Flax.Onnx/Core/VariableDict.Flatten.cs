namespace Flax;

public sealed partial class VariableDict
{
    /// <summary>The separator of flattened keys: <c>params/Dense_0/kernel</c>.</summary>
    public const char Separator = '/';

    /// <summary>
    /// The leaves keyed by their path joined with <c>/</c>, e.g. <c>params/Dense_0/kernel</c>, in insertion order
    /// (Flax's <c>traverse_util.flatten_dict(xs, sep='/')</c>). Empty nested dictionaries have no leaf and vanish.
    /// </summary>
    /// <returns>The flat dictionary.</returns>
    /// <exception cref="InvalidOperationException">A key contains <c>/</c> or is empty, which would make paths ambiguous.</exception>
    public IReadOnlyDictionary<string, object> Flatten()
    {
        var flat = new OrderedDictionary<string, object>();
        FlattenInto(flat, "");
        return flat;
    }

    private void FlattenInto(OrderedDictionary<string, object> flat, string prefix)
    {
        foreach (var (key, value) in _items)
        {
            if (key.Length == 0 || key.Contains(Separator))
                throw new InvalidOperationException($"Cannot flatten key \"{prefix}{key}\": keys must be non-empty and contain no '{Separator}'.");
            if (value is VariableDict nested) nested.FlattenInto(flat, prefix + key + Separator);
            else flat.Add(prefix + key, value);
        }
    }

    /// <summary>
    /// Rebuilds a nested dictionary from <c>/</c>-joined paths (Flax's <c>traverse_util.unflatten_dict(xs, sep='/')</c>),
    /// the inverse of <see cref="Flatten"/>.
    /// </summary>
    /// <param name="flat">Leaves keyed by path, e.g. <c>params/Dense_0/kernel</c>.</param>
    /// <returns>The nested dictionary, in the order paths first appear.</returns>
    /// <exception cref="ArgumentException">A path has an empty part, or one path is a prefix of another, or a value is null.</exception>
    public static VariableDict Unflatten(IEnumerable<KeyValuePair<string, object>> flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        var root = new OrderedDictionary<string, object>();
        foreach (var (path, value) in flat)
        {
            ArgumentNullException.ThrowIfNull(path);
            var parts = path.Split(Separator);
            if (parts.Any(p => p.Length == 0)) throw new ArgumentException($"Path \"{path}\" has an empty part.", nameof(flat));
            var node = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (!node.TryGetValue(parts[i], out var child)) node.Add(parts[i], child = new OrderedDictionary<string, object>());
                node = child as OrderedDictionary<string, object>
                    ?? throw new ArgumentException($"Path \"{path}\" goes through \"{string.Join(Separator, parts[..(i + 1)])}\", which is a leaf.", nameof(flat));
            }
            if (!node.TryAdd(parts[^1], value ?? throw new ArgumentException($"The value of \"{path}\" is null.", nameof(flat))))
                throw new ArgumentException($"Path \"{path}\" is given twice or is a prefix of another path.", nameof(flat));
        }
        return Freeze(root);
    }
}
