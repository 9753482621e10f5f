using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Flax;

/// <summary>
/// A cursor into a model's variables, Flax's <c>flax.core.Scope</c>: a model is a function of a scope that reads and
/// creates its parameters and state through it (<see cref="Param{T}(string, Initializer, int[], DType)"/>,
/// <see cref="Variable{T}(string, string, Func{T})"/>), draws PRNG keys from it (<see cref="MakeRng"/>) and hands
/// sub-scopes to its layers (<see cref="Push"/>, <see cref="Child{TOut}(Func{Scope, TOut}, string?, string?)"/>).
/// </summary>
/// <remarks>
/// Scopes come from <see cref="Core.Bind"/>, <see cref="Core.Init{TOut}(Func{Scope, TOut}, Filter?, IReadOnlyDictionary{string, object}?)"/>
/// and <see cref="Core.Apply{TOut}(Func{Scope, TOut}, IReadOnlyDictionary{string, object}?)"/>. They hold leaves of any
/// type (arrays, numbers, records, nested dictionaries) and never copy what they are given except where noted.
/// A child sees the subtree of each collection under its name; children link their subtrees to the parent's by
/// reference, so a value written through any scope is seen by all of them.
/// </remarks>
public sealed partial class Scope : IEquatable<Scope>
{
    private readonly IDictionary<string, object> _variables;
    private readonly Dictionary<string, LazyRng> _rngs;
    private readonly RngCounters _counters;
    private readonly Dictionary<string, HashSet<string?>> _reservations = [];
    private readonly ImmutableArray<string> _path;
    private ImmutableArray<string> _debugPath;
    private readonly IVariableHook? _hook;

    /// <summary>A root scope over <paramref name="variables"/>, stored by reference (Flax's <c>Scope(variables, rngs, ...)</c>).</summary>
    /// <param name="variables">Collection name to collection (a mapping; mutable collections must be mutable dictionaries).</param>
    /// <param name="rngs">The base keys; none means the scope has no PRNG sequence.</param>
    /// <param name="mutable">The collections the scope may change; default none.</param>
    /// <param name="flags">Read-only flags for the model (frozen).</param>
    /// <param name="hook">Observes created values; children share it.</param>
    internal Scope(IDictionary<string, object> variables, Rngs? rngs = null, Filter? mutable = null,
        IReadOnlyDictionary<string, object>? flags = null, IVariableHook? hook = null)
        : this(variables, rngs?.ToLazy() ?? [], null, mutable ?? Filter.Nothing, null, [],
            VariableDict.Freeze(flags ?? VariableDict.Empty), null, hook)
    {
    }

    private Scope(IDictionary<string, object> variables, Dictionary<string, LazyRng> rngs, string? name, Filter mutable,
        Scope? parent, ImmutableArray<string> path, VariableDict flags, RngCounters? counters, IVariableHook? hook)
    {
        _variables = variables;
        _rngs = rngs;
        Name = name;
        Mutable = mutable;
        Parent = parent;
        _path = path;
        _debugPath = path;
        Flags = flags;
        _counters = counters ?? new RngCounters(rngs.Keys);
        _hook = hook;
    }

    /// <summary>This scope's name within its parent (Flax's <c>name</c>); null for a root scope.</summary>
    public string? Name { get; }

    /// <summary>The scope this one was pushed from (Flax's <c>parent</c>); null for a root scope.</summary>
    public Scope? Parent { get; }

    /// <summary>The root of this scope's tree (Flax's <c>root</c>; this scope when it is a root).</summary>
    public Scope Root => Parent?.Root ?? this;

    /// <summary>The names from the root to this scope (Flax's <c>path</c>); empty for the root.</summary>
    public IReadOnlyList<string> Path => _path;

    /// <summary>The path as error messages print it (Flax's <c>path_text</c>, from its <c>debug_path</c>): <c>/</c> for the
    /// root, <c>/encoder/dense</c> below it, <c>/vmap(dense)</c> inside a lifted transform of <c>/dense</c>.</summary>
    public string PathText => "/" + string.Join('/', _debugPath);

    /// <summary>The collections this scope may change (Flax's <c>mutable</c>); children inherit it.</summary>
    public Filter Mutable { get; }

    /// <summary>The read-only flags given to <c>Init</c>/<c>Apply</c>/<c>Bind</c>; children inherit them. <c>Init</c> adds <c>initializing: true</c>.</summary>
    public VariableDict Flags { get; }

    /// <summary>Whether the scope was invalidated (Flax's <c>invalid</c>): it then refuses writes, pushes and PRNG draws.</summary>
    public bool Invalid { get; private set; }

    /// <summary>Marks this scope invalid (Flax's <c>invalidate</c>); its children are not affected.</summary>
    public void Invalidate() => Invalid = true;

    /// <summary>
    /// Flax's <c>temporary()</c>: disposing the result invalidates this scope (and only this one), as <c>Apply</c> does to
    /// its root on return: <c>using (scope.Temporary()) { ... }</c>.
    /// </summary>
    /// <returns>A handle whose <see cref="IDisposable.Dispose"/> calls <see cref="Invalidate"/>.</returns>
    public IDisposable Temporary() => new Invalidation(this);

    /// <summary>Whether the scope has PRNG sequence <paramref name="name"/> (Flax's <c>has_rng</c>).</summary>
    /// <param name="name">The sequence name.</param>
    public bool HasRng(string name) => _rngs.ContainsKey(name);

    /// <summary>Whether the scope may change <paramref name="collection"/> (Flax's <c>is_mutable_collection</c>).</summary>
    /// <param name="collection">The collection name.</param>
    public bool IsMutableCollection(string collection) => Mutable.Contains(collection);

    /// <summary>
    /// Whether <paramref name="collection"/> is missing or empty <em>at the root</em> (Flax's <c>is_collection_empty</c>),
    /// whatever this scope's own subtree holds.
    /// </summary>
    /// <param name="collection">The collection name.</param>
    public bool IsCollectionEmpty(string collection) =>
        !Root._variables.TryGetValue(collection, out var tree) || tree is IReadOnlyDictionary<string, object> { Count: 0 };

    /// <summary>Whether flag <paramref name="key"/> is set (Flax's <c>has_flag</c>).</summary>
    /// <param name="key">The flag name.</param>
    public bool HasFlag(string key) => Flags.ContainsKey(key);

    /// <summary>The value of flag <paramref name="key"/> (Flax's <c>get_flag(key)</c>).</summary>
    /// <param name="key">The flag name.</param>
    /// <returns>The flag's value.</returns>
    /// <exception cref="KeyNotFoundException">The flag is not set: <c>Flag {key} not present on scope.</c> (Flax returns this error instead of raising it.)</exception>
    public object GetFlag(string key) =>
        Flags.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Flag {key} not present on scope.");

    /// <summary>The value of flag <paramref name="key"/>, or <paramref name="defaultValue"/> when it is not set (Flax's <c>get_flag(key, default)</c>).</summary>
    /// <typeparam name="T">The flag's type.</typeparam>
    /// <param name="key">The flag name.</param>
    /// <param name="defaultValue">The value when the flag is not set.</param>
    /// <exception cref="InvalidCastException">The flag is set to a value of another type.</exception>
    public T GetFlag<T>(string key, T defaultValue)
    {
        if (!Flags.TryGetValue(key, out var value)) return defaultValue;
        return value is T typed ? typed : throw new InvalidCastException($"Flag {key} is a {value.GetType().Name}, not a {typeof(T).Name}.");
    }

    /// <summary>Whether the scope belongs to <c>Core.Init</c> (Flax's <c>is_initializing</c>: the <c>initializing</c> flag).</summary>
    public bool IsInitializing => GetFlag("initializing", false);

    /// <summary>
    /// Flax's scope equality: the same scope, or scopes over the same root variables, at the same path, sharing PRNG
    /// counters (a scope and its <see cref="Rewound"/> copies are equal unless the copy rewound its counters).
    /// </summary>
    /// <param name="other">The scope to compare.</param>
    public bool Equals(Scope? other) =>
        ReferenceEquals(this, other) || other is not null && ReferenceEquals(Root._variables, other.Root._variables)
        && _path.SequenceEqual(other._path) && ReferenceEquals(_counters, other._counters);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Scope);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(RuntimeHelpers.GetHashCode(Root._variables), PathText, RuntimeHelpers.GetHashCode(_counters));

    /// <summary>Prints the scope's path: <c>Scope(/encoder/dense)</c>.</summary>
    public override string ToString() => $"Scope({PathText})";

    private void CheckValid()
    {
        if (Invalid) throw new InvalidScopeException(Name);
    }

    private sealed class Invalidation(Scope scope) : IDisposable
    {
        public void Dispose() => scope.Invalidate();
    }
}
