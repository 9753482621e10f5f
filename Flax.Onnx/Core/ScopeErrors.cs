namespace Flax;

/// <summary>
/// A parameter is read but neither exists nor can be created (Flax's <c>ScopeParamNotFoundError</c>): the model was
/// applied with variables that lack it, e.g. <c>Apply(f)(variables)</c> where <c>variables</c> come from a different
/// model, or <c>params</c> is not mutable. Message: <c>Could not find parameter named "kernel" in scope "/dense".</c>
/// </summary>
public sealed class ScopeParamNotFoundException : FlaxException
{
    internal ScopeParamNotFoundException(string paramName, string scopePath, string hint = "")
        : base($"Could not find parameter named \"{paramName}\" in scope \"{scopePath}\".{hint}", "ScopeParamNotFoundError") =>
        (ParamName, ScopePath) = (paramName, scopePath);

    /// <summary>The parameter's name.</summary>
    internal string ParamName { get; }

    /// <summary>The scope's path text.</summary>
    internal string ScopePath { get; }
}

/// <summary>
/// A variable is read from a collection that is missing or empty at the root and cannot be created (Flax's
/// <c>ScopeCollectionNotFound</c>): typically <c>Apply</c> was given no <c>params</c>, or a state collection such as
/// <c>batch_stats</c> was not passed in nor made mutable.
/// Message: <c>Tried to access "kernel" from collection "params" in "/dense" but the collection is empty.</c>, with a
/// .NET hint appended when the variables' top level holds the layer's name (their <c>params</c> subtree was passed) or
/// when <c>Lift.MapVariables</c> without <c>init</c> hid a collection that initialisation could create.
/// </summary>
public sealed class ScopeCollectionNotFoundException : FlaxException
{
    internal ScopeCollectionNotFoundException(string collection, string variableName, string scopePath, string hint = "")
        : base($"Tried to access \"{variableName}\" from collection \"{collection}\" in \"{scopePath}\" but the collection is empty.{hint}", "ScopeCollectionNotFound") =>
        (Collection, VariableName, ScopePath) = (collection, variableName, scopePath);

    /// <summary>The collection.</summary>
    internal string Collection { get; }

    /// <summary>The variable's name.</summary>
    internal string VariableName { get; }

    /// <summary>The scope's path text.</summary>
    internal string ScopePath { get; }
}

/// <summary>
/// An existing parameter's shape differs from the shape its initializer would produce (Flax's
/// <c>ScopeParamShapeError</c>): the variables were made for a model with other sizes, or the input's shape changed
/// (Dense, Conv and ConvTranspose then append a .NET hint naming the input axis).
/// Message: <c>For parameter "kernel" in "/dense", the given initializer is expected to generate shape (4, 3), but the
/// existing parameter it received has shape (2, 3).</c>
/// </summary>
public sealed class ScopeParamShapeException : FlaxException
{
    internal ScopeParamShapeException(string paramName, string scopePath, int[] valueShape, int[] initShape, string hint = "")
        : base($"For parameter \"{paramName}\" in \"{scopePath}\", the given initializer is expected to generate shape {Shapes.Format(initShape)}, but the existing parameter it received has shape {Shapes.Format(valueShape)}.{hint}", "ScopeParamShapeError") =>
        (ParamName, ScopePath, ValueShape, InitShape) = (paramName, scopePath, valueShape, initShape);

    /// <summary>The parameter's name.</summary>
    internal string ParamName { get; }

    /// <summary>The scope's path text.</summary>
    internal string ScopePath { get; }

    /// <summary>The shape of the existing parameter.</summary>
    internal int[] ValueShape { get; }

    /// <summary>The shape the initializer would produce.</summary>
    internal int[] InitShape { get; }
}

/// <summary>
/// A variable is read that does not exist in a non-empty collection, and it cannot be created because the collection
/// is immutable or no init function was given (Flax's <c>ScopeVariableNotFoundError</c>).
/// Message: <c>No Variable named "count" for collection "state" exists in "/".</c>
/// </summary>
public sealed class ScopeVariableNotFoundException : FlaxException
{
    internal ScopeVariableNotFoundException(string name, string collection, string scopePath)
        : base($"No Variable named \"{name}\" for collection \"{collection}\" exists in \"{scopePath}\".", "ScopeVariableNotFoundError") { }
}

/// <summary>
/// A variable is written to a collection the scope may not change (Flax's <c>ModifyScopeVariableError</c>): pass the
/// collection in <c>mutable</c>, e.g. <c>Core.Apply(f, mutable: "batch_stats")</c>.
/// Message: <c>Cannot update variable "mean" in "/bn" because collection "batch_stats" is immutable.</c>
/// </summary>
public sealed class ModifyScopeVariableException : FlaxException
{
    internal ModifyScopeVariableException(string collection, string variableName, string scopePath)
        : base($"Cannot update variable \"{variableName}\" in \"{scopePath}\" because collection \"{collection}\" is immutable.", "ModifyScopeVariableError") { }
}

/// <summary>
/// A scope is used after its function returned (Flax's <c>InvalidScopeError</c>), e.g. a scope captured inside
/// <c>Core.Apply</c> and used afterwards. The root scope's name prints as <c>None</c>, as in Flax.
/// Message: <c>The scope "None" is no longer valid.</c>
/// </summary>
public sealed class InvalidScopeException : FlaxException
{
    internal InvalidScopeException(string? scopeName)
        : base($"The scope \"{Text(scopeName)}\" is no longer valid.", "InvalidScopeError") { }
}

/// <summary>
/// The same name is used twice in one scope (Flax raises a plain <c>ValueError</c> here): two children with the same
/// name, a child and a variable with the same name, or two variables of one collection with the same name.
/// Message: <c>Duplicate use of scope name: "dense"</c>
/// </summary>
public sealed class DuplicateScopeNameException : FlaxException
{
    internal DuplicateScopeNameException(string name)
        : base($"Duplicate use of scope name: \"{name}\"", "NameInUseError") { }
}
