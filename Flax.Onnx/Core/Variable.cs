namespace Flax;

/// <summary>
/// A handle to one variable of a scope (Flax's <c>flax.core.scope.Variable</c>), returned by
/// <see cref="Scope.Variable{T}(string, string, Func{T})"/>: reading <see cref="Value"/> reads the scope's current value
/// and writing it calls <see cref="Scope.PutVariable"/>.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class Variable<T>
{
    internal Variable(Scope scope, string collection, string name)
    {
        Scope = scope;
        Collection = collection;
        Name = name;
    }

    /// <summary>The scope the variable belongs to (Flax's <c>Variable.scope</c>).</summary>
    public Scope Scope { get; }

    /// <summary>The variable's collection (Flax's <c>Variable.collection</c>).</summary>
    public string Collection { get; }

    /// <summary>The variable's name within its scope (Flax's <c>Variable.name</c>).</summary>
    public string Name { get; }

    /// <summary>The current value (Flax's <c>Variable.value</c>); setting it writes through the scope.</summary>
    /// <exception cref="InvalidCastException">The stored value is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="ModifyScopeVariableException">Set on an immutable collection.</exception>
    /// <exception cref="InvalidScopeException">Set on an invalid scope.</exception>
    public T Value
    {
        get => Trees.As<T>(Scope.GetVariable(Collection, Name)!, Collection, Name, Scope.PathText);
        set => Scope.PutVariable(Collection, Name, value!);
    }

    /// <summary>Whether the variable's collection is mutable in its scope (Flax's <c>is_mutable()</c>).</summary>
    public bool IsMutable => Scope.IsMutableCollection(Collection);

    /// <summary>Prints the variable's place: <c>Variable(batch_stats, /bn, mean)</c>.</summary>
    public override string ToString() => $"Variable({Collection}, {Scope.PathText}, {Name})";
}
