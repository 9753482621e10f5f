namespace Flax;

public sealed partial class Scope
{
    /// <summary>
    /// The variable <paramref name="name"/> of <paramref name="collection"/> in this scope, or <paramref name="defaultValue"/>
    /// when there is none (Flax's <c>get_variable</c>). A dictionary value comes back as a frozen <see cref="VariableDict"/> snapshot.
    /// Works on invalid scopes, as in Flax.
    /// </summary>
    /// <param name="collection">The collection name.</param>
    /// <param name="name">The variable's name.</param>
    /// <param name="defaultValue">The result when the variable does not exist.</param>
    public object? GetVariable(string collection, string name, object? defaultValue = null) =>
        Collection(collection).TryGetValue(name, out var value) ? Snapshot(value) : defaultValue;

    /// <summary>Whether this scope has variable <paramref name="name"/> in <paramref name="collection"/> (Flax's <c>has_variable</c>).</summary>
    /// <param name="collection">The collection name.</param>
    /// <param name="name">The variable's name.</param>
    public bool HasVariable(string collection, string name) => Collection(collection).ContainsKey(name);

    /// <summary>
    /// Sets variable <paramref name="name"/> of <paramref name="collection"/> (Flax's <c>put_variable</c>), creating the
    /// collection's path from the root down as needed. A dictionary written over an existing dictionary is
    /// <em>merged</em> into it key by key (old keys survive), which keeps child scopes' views of it valid; anything else
    /// replaces the old value. A mutable dictionary is copied, so the caller's object is never changed later.
    /// </summary>
    /// <param name="collection">The collection name.</param>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">The new value.</param>
    /// <exception cref="InvalidScopeException">The scope is invalid.</exception>
    /// <exception cref="ModifyScopeVariableException">The collection is not mutable.</exception>
    public void PutVariable(string collection, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        CheckValid();
        if (!IsMutableCollection(collection)) throw new ModifyScopeVariableException(collection, name, PathText);
        Merge(MutableCollection(collection), name, value);
    }

    /// <summary>
    /// A frozen snapshot of this scope's variables: every collection that has a subtree for this scope (Flax's
    /// <c>variables()</c>, which returns the live dictionaries instead).
    /// </summary>
    public VariableDict Variables() => Snapshot(_ => true);

    /// <summary>A frozen snapshot of this scope's variables in mutable collections (Flax's <c>mutable_variables()</c>).</summary>
    public VariableDict MutableVariables() => Snapshot(IsMutableCollection);

    private VariableDict Snapshot(Func<string, bool> include)
    {
        var collections = Root._variables.Keys.Where(include).ToList();
        foreach (var collection in collections) Collection(collection);
        return new VariableDict(collections.Where(_variables.ContainsKey).Select(c => KeyValuePair.Create(c, _variables[c])));
    }

    private static object Snapshot(object value) =>
        value is not VariableDict && Trees.IsMapping(value, out var mapping) ? VariableDict.Freeze(mapping) : value;

    /// <summary>
    /// This scope's subtree of <paramref name="collection"/> for reading (Flax's <c>_collection</c>): linked by reference
    /// from the parent's on first success; a missing subtree reads as empty and is not cached.
    /// </summary>
    private IReadOnlyDictionary<string, object> Collection(string collection)
    {
        if (_variables.TryGetValue(collection, out var tree)) return AsMapping(collection, tree);
        if (Parent is null || !Parent.Collection(collection).TryGetValue(Name!, out tree)) return VariableDict.Empty;
        var mapping = AsMapping(collection, tree);
        _variables[collection] = mapping;
        return mapping;
    }

    /// <summary>
    /// This scope's subtree of <paramref name="collection"/> for writing (Flax's <c>_mutable_collection</c>): created,
    /// from the root down, where missing, and linked by reference into the parent's. A frozen subtree on the way is
    /// replaced by a mutable copy (Flax would fail on it).
    /// </summary>
    private IDictionary<string, object> MutableCollection(string collection)
    {
        if (_variables.TryGetValue(collection, out var cached) && Trees.IsMutableDict(cached, out var dict)) return dict;
        var (owner, key) = Parent is null ? (_variables, collection) : (Parent.MutableCollection(collection), Name!);
        dict = !owner.TryGetValue(key, out var tree) ? new OrderedDictionary<string, object>()
            : Trees.IsMutableDict(tree, out var existing) ? existing
            : Trees.Thaw(AsMapping(collection, tree));
        owner[key] = dict;
        _variables[collection] = dict;
        return dict;
    }

    private IReadOnlyDictionary<string, object> AsMapping(string collection, object tree) =>
        Trees.IsMapping(tree, out var mapping) ? mapping
        : throw new InvalidOperationException($"Scope \"{PathText}\" cannot use collection \"{collection}\": it holds a {tree.GetType().Name} where this scope's dictionary of variables belongs.");

    /// <summary>Flax's <c>_put_variable</c>: merges a mapping into an existing mutable dictionary, else stores the value.</summary>
    private static void Merge(IDictionary<string, object> target, string key, object value)
    {
        if (target.TryGetValue(key, out var current) && Trees.IsMutableDict(current, out var dict) && Trees.IsMapping(value, out var mapping))
        {
            foreach (var (k, v) in mapping) Merge(dict, k, v);
            return;
        }
        target[key] = Trees.Own(value);
    }
}
