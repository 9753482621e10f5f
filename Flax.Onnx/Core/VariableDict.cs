using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Flax;

/// <summary>
/// An immutable, insertion-ordered, nested dictionary of variables, like Flax's <c>FrozenDict</c>: the top level maps
/// collection names (<c>params</c>, <c>batch_stats</c>, ...) to nested dictionaries keyed by child-scope and variable
/// names, whose leaves may be of any type (<see cref="NDArray"/>, tensors, numbers, records).
/// </summary>
/// <remarks>
/// Nested dictionaries are frozen (deep-copied) on construction, so later changes to the caller's dictionaries never
/// show. Equality is by content and ignores key order; array leaves compare by dtype, shape and contents.
/// Iteration and <see cref="ToString"/> follow insertion order; leaf flattening for shape checks sorts keys, as JAX does.
/// </remarks>
public sealed partial class VariableDict : IReadOnlyDictionary<string, object>, IEquatable<VariableDict>
{
    /// <summary>
    /// The deepest nesting a dictionary holds: 64 levels, this dictionary included. Every reader of a file that builds a
    /// tree (checkpoints, safetensors names) stops at the same depth, so code walking a tree never recurses deeper.
    /// </summary>
    public const int MaxDepth = 64;

    private readonly OrderedDictionary<string, object> _items;

    // The levels of dictionaries in this tree, this one included: 1 when no value is a dictionary.
    private readonly int _depth;

    /// <summary>The empty dictionary (Flax's <c>FrozenDict()</c>).</summary>
    public static VariableDict Empty { get; } = new();

    /// <summary>Creates a dictionary from key-value pairs (Flax's <c>FrozenDict(...)</c> / <c>freeze</c>).</summary>
    /// <param name="items">The entries, in order; nested mappings are frozen.</param>
    /// <exception cref="ArgumentException">A key is repeated, a value is null, or mappings nest deeper than
    /// <see cref="MaxDepth"/> levels (a mapping that contains itself does).</exception>
    public VariableDict(IEnumerable<KeyValuePair<string, object>> items)
        : this(Build(items ?? throw new ArgumentNullException(nameof(items)), []))
    {
    }

    /// <summary>Creates a dictionary from <c>(key, value)</c> tuples: <c>new VariableDict(("a", 1), ("b", new VariableDict(("c", 2))))</c>.</summary>
    /// <param name="items">The entries, in order; nested mappings are frozen.</param>
    /// <exception cref="ArgumentException">A key is repeated, a value is null, or mappings nest deeper than
    /// <see cref="MaxDepth"/> levels.</exception>
    public VariableDict(params (string Key, object Value)[] items)
        : this((items ?? throw new ArgumentNullException(nameof(items))).Select(item => KeyValuePair.Create(item.Key, item.Value)))
    {
    }

    private VariableDict(VariableDict built) => (_items, _depth) = (built._items, built._depth);

    private VariableDict(OrderedDictionary<string, object> owned, int depth) => (_items, _depth) = (owned, depth);

    /// <summary>Freezes <paramref name="items"/>, a dictionary nested under the keys in <paramref name="path"/>.</summary>
    private static VariableDict Build(IEnumerable<KeyValuePair<string, object>> items, List<string> path)
    {
        var owned = new OrderedDictionary<string, object>();
        int depth = 1;
        foreach (var (key, value) in items)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (value is null) throw new ArgumentException($"The value of \"{key}\" is null; variable dictionaries hold no null leaves.", nameof(value));
            if (!owned.TryAdd(key, Child(key, value, path, ref depth)))
                throw new ArgumentException($"Duplicate key \"{key}\".", nameof(key));
        }
        return new VariableDict(owned, depth);
    }

    /// <summary>
    /// The stored form of <paramref name="value"/> under <paramref name="key"/>: a mapping is frozen, after checking
    /// that it fits within <see cref="MaxDepth"/> levels below <paramref name="path"/>; <paramref name="depth"/> grows to
    /// cover it. Recursion into mutable mappings stops at the limit, so a self-containing mapping cannot overflow the stack.
    /// </summary>
    private static object Child(string key, object value, List<string> path, ref int depth)
    {
        if (!Trees.IsMapping(value, out var mapping)) return value;
        path.Add(key);
        var child = mapping as VariableDict;
        if (path.Count + (child?._depth ?? 1) > MaxDepth)
            throw new ArgumentException($"The dictionary at {CheckpointText.Path(path)} nests deeper than {MaxDepth} levels, the most a VariableDict holds (does a mapping contain itself?).", "items");
        child ??= Build(mapping, path);
        path.RemoveAt(path.Count - 1);
        depth = Math.Max(depth, child._depth + 1);
        return child;
    }

    /// <summary>Freezes a mapping (Flax's <c>freeze</c>); a <see cref="VariableDict"/> is returned as is.</summary>
    /// <param name="items">The entries; nested mappings are deep-copied.</param>
    /// <returns>The frozen dictionary.</returns>
    public static VariableDict Freeze(IEnumerable<KeyValuePair<string, object>> items) => items as VariableDict ?? new VariableDict(items);

    /// <summary>The value of <paramref name="key"/>; nested dictionaries are <see cref="VariableDict"/>s.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="KeyNotFoundException">The key is absent (Flax's <c>KeyError</c>).</exception>
    public object this[string key] =>
        _items.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Key \"{key}\" not found; keys are: {string.Join(", ", _items.Keys)}.");

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _items.Keys;

    /// <inheritdoc/>
    public IEnumerable<object> Values => _items.Values;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object value) => _items.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// A copy with the top-level entries of <paramref name="addOrReplace"/> added or replaced (Flax's
    /// <c>FrozenDict.copy</c>): a shallow replace, so a replaced nested dictionary is not merged.
    /// </summary>
    /// <param name="addOrReplace">The entries to set; none gives an equal copy.</param>
    /// <returns>The new dictionary.</returns>
    public VariableDict Copy(IEnumerable<KeyValuePair<string, object>>? addOrReplace = null)
    {
        var items = new OrderedDictionary<string, object>(_items);
        foreach (var (key, value) in addOrReplace ?? [])
        {
            int ignored = 0;
            items[key] = Child(key, value ?? throw new ArgumentException($"The value of \"{key}\" is null.", nameof(addOrReplace)), [], ref ignored);
        }
        return new VariableDict(items, DepthOf(items));
    }

    /// <summary>Removes a top-level key (Flax's <c>FrozenDict.pop</c>).</summary>
    /// <param name="key">The key to remove.</param>
    /// <returns>The dictionary without <paramref name="key"/>, and the removed value.</returns>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    public (VariableDict Remaining, object Value) Pop(string key)
    {
        var value = this[key];
        var items = new OrderedDictionary<string, object>(_items);
        items.Remove(key);
        return (new VariableDict(items, DepthOf(items)), value);
    }

    private static int DepthOf(OrderedDictionary<string, object> frozen) =>
        1 + frozen.Values.Select(value => value is VariableDict nested ? nested._depth : 0).DefaultIfEmpty(0).Max();

    /// <summary>A deep mutable copy (Flax's <c>unfreeze</c>): nested dictionaries become mutable copies, leaves are shared.</summary>
    /// <returns>The mutable dictionary; changing it does not change this one.</returns>
    public OrderedDictionary<string, object> Unfreeze() => Trees.Thaw(this);

    /// <summary>Applies <paramref name="fn"/> to every leaf, keeping the structure (<c>jax.tree_util.tree_map</c>).</summary>
    /// <param name="fn">The function of a leaf; it must not return null.</param>
    /// <returns>The mapped dictionary.</returns>
    /// <exception cref="ArgumentException"><paramref name="fn"/> returned null.</exception>
    public VariableDict Map(Func<object, object> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return new VariableDict(_items.Select(kv => KeyValuePair.Create(kv.Key, kv.Value is VariableDict nested ? nested.Map(fn) : fn(kv.Value))));
    }

    /// <summary>
    /// Maps two trees of which this one is a prefix (<c>jax.tree_util.tree_map(fn, this, other)</c>): each leaf of this
    /// dictionary is paired with the value or subtree at the same place in <paramref name="other"/>.
    /// </summary>
    /// <param name="other">A tree with at least this dictionary's keys at every level.</param>
    /// <param name="fn">The function of a leaf of this tree and the matching part of <paramref name="other"/>.</param>
    /// <returns>The mapped dictionary.</returns>
    /// <exception cref="ArgumentException"><paramref name="other"/> lacks a key or has a leaf where this has a dictionary.</exception>
    public VariableDict Map(VariableDict other, Func<object, object, object> fn)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(fn);
        return new VariableDict(_items.Select(kv =>
        {
            if (!other.TryGetValue(kv.Key, out var match))
                throw new ArgumentException($"The second tree has no key \"{kv.Key}\"; the first tree must be a prefix of it.", nameof(other));
            if (kv.Value is not VariableDict nested) return KeyValuePair.Create(kv.Key, fn(kv.Value, match));
            if (match is not VariableDict nestedMatch)
                throw new ArgumentException($"The second tree has a leaf at \"{kv.Key}\" where the first has a dictionary.", nameof(other));
            return KeyValuePair.Create(kv.Key, (object)nested.Map(nestedMatch, fn));
        }));
    }

    /// <inheritdoc/>
    public bool Equals(VariableDict? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Count != Count) return false;
        foreach (var (key, value) in _items)
        {
            if (!other._items.TryGetValue(key, out var theirs)) return false;
            if (value is VariableDict nested ? !nested.Equals(theirs as VariableDict) : theirs is VariableDict || !Trees.LeafEquals(value, theirs))
                return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as VariableDict);

    /// <summary>A content hash, independent of key order, consistent with <see cref="Equals(VariableDict)"/>.</summary>
    public override int GetHashCode()
    {
        int hash = Count;
        foreach (var (key, value) in _items)
            hash += HashCode.Combine(key, value is VariableDict nested ? nested.GetHashCode() : Trees.LeafHash(value));
        return hash;
    }

    /// <summary>
    /// Flax's <c>pretty_repr</c>: <c>VariableDict({</c>, one <c>key: value,</c> line per entry with nested dictionaries
    /// indented four spaces, then <c>})</c>; the empty dictionary prints as <c>VariableDict({})</c>.
    /// </summary>
    public override string ToString() => PrettyRepr(this);

    /// <summary>
    /// Flax's <c>pretty_repr(x, num_spaces)</c> for any value: a <see cref="VariableDict"/> prints wrapped in
    /// <c>VariableDict(...)</c>, another mapping prints as <c>{ ... }</c> with one indented <c>key: value,</c> line per
    /// entry, anything else prints as itself (strings quoted).
    /// </summary>
    /// <param name="value">The value to print.</param>
    /// <param name="numSpaces">The indent per nesting level.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentException">Mappings in <paramref name="value"/> nest deeper than <see cref="MaxDepth"/> levels.</exception>
    public static string PrettyRepr(object value, int numSpaces = 4)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(numSpaces);
        var text = Trees.Pretty(value, numSpaces);
        return value is VariableDict ? $"VariableDict({text})" : text;
    }
}
