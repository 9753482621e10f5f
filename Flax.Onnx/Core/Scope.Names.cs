namespace Flax;

public sealed partial class Scope
{
    /// <summary>
    /// Whether <paramref name="name"/> is taken (Flax's <c>name_reserved</c>): by a child scope, or, when
    /// <paramref name="collection"/> is given, by a variable of that collection; with no collection, any use counts.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="collection">The collection of the variable to be named, or null for a child scope.</param>
    public bool NameReserved(string name, string? collection = null) =>
        _reservations.TryGetValue(name, out var uses) && (uses.Contains(null) || collection is null || uses.Contains(collection));

    /// <summary>
    /// Claims <paramref name="name"/> for a child scope (no collection) or a variable of <paramref name="collection"/>
    /// (Flax's <c>reserve</c>). Variables of different collections may share a name; a child may share it with nothing.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="collection">The variable's collection, or null for a child scope.</param>
    /// <exception cref="DuplicateScopeNameException">The name is taken: <c>Duplicate use of scope name: "{name}"</c>.</exception>
    public void Reserve(string name, string? collection = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (NameReserved(name, collection)) throw new DuplicateScopeNameException(name);
        if (!_reservations.TryGetValue(name, out var uses)) _reservations.Add(name, uses = []);
        uses.Add(collection);
    }

    /// <summary>
    /// The first of <c>{prefix}0</c>, <c>{prefix}1</c>, ... not reserved in any way (Flax's <c>default_name</c>); it is not reserved by this call.
    /// </summary>
    /// <param name="prefix">The name prefix, e.g. <c>Dense_</c>.</param>
    public string DefaultName(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        for (int i = 0; ; i++)
        {
            var name = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!_reservations.ContainsKey(name)) return name;
        }
    }

    /// <summary>
    /// Creates a child scope (Flax's <c>push</c>). The child sees each collection's subtree under its name, inherits
    /// <see cref="Mutable"/>, <see cref="Flags"/> and the PRNG sequences (with its name appended to their fold-in path),
    /// and shares its PRNG counters with every earlier child of the same name.
    /// </summary>
    /// <param name="name">The child's name; null takes <see cref="DefaultName"/> of <paramref name="prefix"/>.</param>
    /// <param name="prefix">The prefix of a default name.</param>
    /// <param name="reuse">Allow a name that is already reserved, giving a scope equivalent to the earlier child.</param>
    /// <returns>The child scope.</returns>
    /// <exception cref="InvalidScopeException">This scope is invalid.</exception>
    /// <exception cref="DuplicateScopeNameException">The name is taken and <paramref name="reuse"/> is false.</exception>
    public Scope Push(string? name = null, string prefix = "", bool reuse = false)
    {
        CheckValid();
        name ??= DefaultName(prefix);
        if (!reuse || !_reservations.ContainsKey(name)) Reserve(name);
        var rngs = _rngs.ToDictionary(kv => kv.Key, kv => kv.Value.Extend(name));
        return new Scope(new OrderedDictionary<string, object>(), rngs, name, Mutable, this, _path.Add(name), Flags,
            _counters.Child(name, rngs.Keys), _hook) { _debugPath = _debugPath.Add(name) };
    }

    /// <summary>
    /// A fresh copy of this scope with no name reservations (Flax's <c>rewound</c>), over the same variables, so the same
    /// names can be declared again and existing variables are reused.
    /// </summary>
    /// <param name="rewindRngs">Restart the PRNG counters (and forget the children's); by default they are shared, so new keys follow.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="InvalidScopeException">This scope is invalid.</exception>
    public Scope Rewound(bool rewindRngs = false)
    {
        CheckValid();
        return new Scope(_variables, _rngs, Name, Mutable, Parent, _path, Flags, rewindRngs ? null : _counters, _hook) { _debugPath = _debugPath };
    }

    /// <summary>
    /// Binds <paramref name="fn"/> to a new child scope (Flax's <c>child</c>). The name is reserved now; each call of the
    /// result runs <paramref name="fn"/> on a <see cref="Rewound"/> copy of the child, so calls reuse its variables and
    /// draw new PRNG keys.
    /// </summary>
    /// <typeparam name="TOut">The function's result.</typeparam>
    /// <param name="fn">The scope function.</param>
    /// <param name="name">The child's name; by default <c>{prefix}{i}</c>.</param>
    /// <param name="prefix">The default-name prefix; by default the method's name and <c>_</c> (<c>Dense_</c> for a method or
    /// local function <c>Dense</c>), or nothing for a lambda (names <c>0</c>, <c>1</c>, ...).</param>
    /// <returns>The bound function.</returns>
    /// <exception cref="InvalidScopeException">This scope is invalid.</exception>
    /// <exception cref="DuplicateScopeNameException">The name is taken.</exception>
    public Func<TOut> Child<TOut>(Func<Scope, TOut> fn, string? name = null, string? prefix = null)
    {
        var child = PushChild(fn, name, prefix);
        return () => fn(child.Rewound());
    }

    /// <inheritdoc cref="Child{TOut}(Func{Scope, TOut}, string?, string?)"/>
    /// <typeparam name="T1">The function's argument.</typeparam>
    /// <typeparam name="TOut">The function's result.</typeparam>
    public Func<T1, TOut> Child<T1, TOut>(Func<Scope, T1, TOut> fn, string? name = null, string? prefix = null)
    {
        var child = PushChild(fn, name, prefix);
        return x1 => fn(child.Rewound(), x1);
    }

    /// <inheritdoc cref="Child{TOut}(Func{Scope, TOut}, string?, string?)"/>
    /// <typeparam name="T1">The function's first argument.</typeparam>
    /// <typeparam name="T2">The function's second argument.</typeparam>
    /// <typeparam name="TOut">The function's result.</typeparam>
    public Func<T1, T2, TOut> Child<T1, T2, TOut>(Func<Scope, T1, T2, TOut> fn, string? name = null, string? prefix = null)
    {
        var child = PushChild(fn, name, prefix);
        return (x1, x2) => fn(child.Rewound(), x1, x2);
    }

    private Scope PushChild(Delegate fn, string? name, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(fn);
        if (name is null)
        {
            var hint = NameHint(fn);
            name = DefaultName(prefix ?? (hint.Length == 0 ? "" : hint + "_"));
        }
        return Push(name);
    }

    /// <summary>
    /// The name a function's children are named after, like Python's <c>fn.__name__</c>: a method's name, a local
    /// function's declared name, and nothing for a lambda (as for a <c>functools.partial</c>).
    /// </summary>
    internal static string NameHint(Delegate fn)
    {
        var name = fn.Method.Name;
        if (!name.StartsWith('<')) return name;
        var start = name.IndexOf(">g__", StringComparison.Ordinal);
        var end = start < 0 ? -1 : name.IndexOf('|', start);
        return end < 0 ? "" : name[(start + 4)..end];
    }
}
