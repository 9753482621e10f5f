namespace Flax;

/// <summary>
/// A PRNG sequence is requested that the scope does not have, and there is no <c>params</c> sequence to fall back on
/// (Flax's <c>InvalidRngError</c>): pass it to <c>Apply</c>, e.g. <c>rngs: new Rngs(("dropout", key))</c>.
/// Message: <c>dense needs PRNG for "dropout"</c> (the root scope's name prints as <c>None</c>).
/// </summary>
public sealed class InvalidRngException : FlaxException
{
    internal InvalidRngException(string message) : base(message, "InvalidRngError") { }
}

/// <summary>
/// The variables given to <c>Apply</c> or <c>Bind</c> are not a dictionary of collections (Flax's
/// <c>ApplyScopeInvalidVariablesTypeError</c>): some top-level entry is a leaf, e.g. <c>{"kernel": array}</c> instead
/// of <c>{"params": {"kernel": array}}</c>. Flax's message ends with a .NET hint naming the entry and saying to pass the
/// whole variables rather than their <c>params</c> subtree.
/// </summary>
public sealed class ApplyScopeInvalidVariablesTypeException : FlaxException
{
    internal ApplyScopeInvalidVariablesTypeException(string entry)
        : base("The first argument passed to an apply function should be a dictionary of collections. Each collection should be a dictionary with string keys."
            + (entry == "params" ? "" : $" (.NET: the top-level entry \"{entry}\" is a value, not a collection: pass the whole variables, {{\"params\": ...}}, not their \"params\" subtree)"),
            "ApplyScopeInvalidVariablesTypeError") { }
}

/// <summary>
/// The variables given to <c>Apply</c> have an extra <c>params</c> layer, <c>{"params": {"params": ...}}</c> (Flax's
/// <c>ApplyScopeInvalidVariablesStructureError</c>); usually the params collection was wrapped twice. As in Flax, this
/// also rejects a root child scope that is itself named <c>params</c>.
/// </summary>
public sealed class ApplyScopeInvalidVariablesStructureException : FlaxException
{
    internal ApplyScopeInvalidVariablesStructureException()
        : base("Expect the `variables` (first argument) passed to apply() to be a dict with the structure {\"params\": ...}, but got a dict with an extra params layer, i.e.  {\"params\": {\"params\": ... } }. You should instead pass in your dict's [\"params\"].", "ApplyScopeInvalidVariablesStructureError") { }
}

/// <summary>
/// <c>Core.LazyInit</c> met a variable whose value depends on an input given only as a shape (Flax's
/// <c>LazyInitError</c>), e.g. a parameter initialized from the input itself. The message keeps Flax's wording:
/// <c>Lazy init encountered a value that could with the given inputs (shape: ShapeDtypeStruct(shape=(8, 4), dtype=float32)).</c>
/// </summary>
public sealed class LazyInitException : FlaxException
{
    internal LazyInitException(object partialValue)
        : base($"Lazy init encountered a value that could with the given inputs (shape: {partialValue}).", "LazyInitError") { }
}
