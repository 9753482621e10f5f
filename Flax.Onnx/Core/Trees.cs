using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Flax;

/// <summary>
/// The pytree conventions of the scope layer. A <em>mapping</em> is any <see cref="IReadOnlyDictionary{TKey, TValue}"/>
/// of <c>string</c> to <c>object</c>: a frozen <see cref="VariableDict"/> or a mutable dictionary (Flax's
/// <c>FrozenDict</c> and <c>dict</c>). Everything else is a leaf. Leaves are flattened in sorted key order, as JAX does.
/// </summary>
internal static class Trees
{
    /// <summary>Whether <paramref name="value"/> is a mapping (frozen or mutable).</summary>
    public static bool IsMapping([NotNullWhen(true)] object? value, [NotNullWhen(true)] out IReadOnlyDictionary<string, object>? mapping)
    {
        mapping = value as IReadOnlyDictionary<string, object>;
        return mapping is not null;
    }

    /// <summary>Whether <paramref name="value"/> is a writable dictionary node (Flax's plain <c>dict</c>).</summary>
    public static bool IsMutableDict([NotNullWhen(true)] object? value, [NotNullWhen(true)] out IDictionary<string, object>? dict)
    {
        dict = value is IDictionary<string, object> { IsReadOnly: false } d and IReadOnlyDictionary<string, object> ? d : null;
        return dict is not null;
    }

    /// <summary>A deep mutable copy of a mapping (Flax's <c>unfreeze</c>): nested mappings are copied, leaves shared.</summary>
    /// <exception cref="ArgumentException">Mappings nest deeper than <see cref="VariableDict.MaxDepth"/> levels.</exception>
    public static OrderedDictionary<string, object> Thaw(IReadOnlyDictionary<string, object> mapping, int depth = 1)
    {
        CheckDepth(depth);
        var copy = new OrderedDictionary<string, object>(mapping.Count);
        foreach (var (key, value) in mapping) copy.Add(key, IsMapping(value, out var nested) ? Thaw(nested, depth + 1) : value);
        return copy;
    }

    /// <summary>Refuses a mapping at nesting level <paramref name="depth"/> (the root is 1) beyond <see cref="VariableDict.MaxDepth"/>,
    /// so that no walk over a caller's tree recurses without bound (a mapping may even contain itself).</summary>
    /// <exception cref="ArgumentException">The level is too deep.</exception>
    public static void CheckDepth(int depth)
    {
        if (depth > VariableDict.MaxDepth)
            throw new ArgumentException($"The tree nests mappings deeper than {VariableDict.MaxDepth} levels, the most a variable tree holds (does a mapping contain itself?).");
    }

    /// <summary>
    /// The value the scope stores for <paramref name="value"/>: a mutable mapping is copied (so the caller's object is
    /// never changed by later writes), anything else is kept as is.
    /// </summary>
    public static object Own(object value) =>
        value is not VariableDict && IsMapping(value, out var mapping) ? Thaw(mapping) : value;

    /// <summary>The leaves of a tree in JAX's flatten order (mapping keys sorted ordinally); a non-mapping is one leaf.</summary>
    /// <exception cref="ArgumentException">Mappings nest deeper than <see cref="VariableDict.MaxDepth"/> levels.</exception>
    public static IEnumerable<object> Leaves(object tree, int depth = 1)
    {
        if (!IsMapping(tree, out var mapping))
        {
            yield return tree;
            yield break;
        }
        CheckDepth(depth);
        foreach (var key in mapping.Keys.Order(StringComparer.Ordinal))
            foreach (var leaf in Leaves(mapping[key], depth + 1))
                yield return leaf;
    }

    /// <summary>A leaf's shape, as <c>np.shape</c> gives it: its <see cref="IShaped.Shape"/>, or <c>()</c> for scalars and other objects.</summary>
    public static int[] ShapeOf(object leaf) => leaf is IShaped shaped ? shaped.Shape : [];

    /// <summary>Leaf equality: arrays by dtype, shape and contents; tuples and CLR arrays structurally; else <see cref="object.Equals(object, object)"/>.</summary>
    public static bool LeafEquals(object a, object b) => (a, b) switch
    {
        (NDArray x, NDArray y) => x.DType == y.DType && x.ShapeSpan.SequenceEqual(y.ShapeSpan) && x.Bytes.SequenceEqual(y.Bytes),
        (IStructuralEquatable x, _) => x.Equals(b, StructuralComparisons.StructuralEqualityComparer),
        _ => Equals(a, b),
    };

    /// <summary>A hash consistent with <see cref="LeafEquals"/>.</summary>
    public static int LeafHash(object leaf)
    {
        switch (leaf)
        {
            case NDArray array:
                var h = new HashCode();
                h.Add(array.DType);
                foreach (var d in array.ShapeSpan) h.Add(d);
                h.AddBytes(array.Bytes);
                return h.ToHashCode();
            case IStructuralEquatable structural:
                return structural.GetHashCode(StructuralComparisons.StructuralEqualityComparer);
            default:
                return leaf.GetHashCode();
        }
    }

    /// <summary>
    /// Flax's <c>pretty_repr</c> layout: <c>{</c>, one <c>key: value,</c> line per entry indented by
    /// <paramref name="numSpaces"/>, <c>}</c>; an empty mapping is <c>{}</c> and a leaf prints as Python's <c>repr</c> would.
    /// </summary>
    /// <exception cref="ArgumentException">Mappings nest deeper than <see cref="VariableDict.MaxDepth"/> levels.</exception>
    public static string Pretty(object value, int numSpaces, int depth = 1)
    {
        if (!IsMapping(value, out var mapping)) return Repr(value);
        CheckDepth(depth);
        if (mapping.Count == 0) return "{}";
        var indent = new string(' ', numSpaces);
        var text = new System.Text.StringBuilder("{\n");
        foreach (var (key, item) in mapping)
            foreach (var line in $"{key}: {Pretty(item, numSpaces, depth + 1)},".Split('\n'))
                text.Append(indent).Append(line).Append('\n');
        return text.Append('}').ToString();
    }

    private static string Repr(object leaf) => leaf switch
    {
        string s => $"'{s}'",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => leaf.ToString() ?? "",
    };

    /// <summary>
    /// Reads a stored value as <typeparamref name="T"/>; a mapping read as <see cref="VariableDict"/> is frozen.
    /// </summary>
    /// <exception cref="InvalidCastException">The value has another type; the message names the variable.</exception>
    public static T As<T>(object value, string collection, string name, string scopePath)
    {
        if (value is T typed) return typed;
        if (typeof(T) == typeof(VariableDict) && IsMapping(value, out var mapping)) return (T)(object)VariableDict.Freeze(mapping);
        throw new InvalidCastException($"Variable \"{name}\" of collection \"{collection}\" in \"{scopePath}\" holds a {value.GetType().Name}, not a {typeof(T).Name}.");
    }
}
