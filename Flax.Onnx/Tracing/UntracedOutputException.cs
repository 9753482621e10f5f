namespace Flax;

/// <summary>
/// A traced model function (<c>Core.Init</c>, <c>Core.Apply</c>, <c>Core.Export</c>, ...) returned null instead of a
/// <see cref="Tensor"/> computed from its inputs and variables, so there is nothing to run or export.
/// </summary>
/// <remarks>Example: <c>Tensor Model(Scope s, Tensor x) { Nn.Dense(s, x, 4); return null!; }</c>.</remarks>
public sealed class UntracedOutputException : FlaxException
{
    internal UntracedOutputException()
        : base("The model function returned null; it must return the Tensor it computed (e.g. `return Nn.Dense(scope, x, 4);`).", (Exception?)null) { }

    /// <summary>A model of several outputs returned null, no outputs, or null as one of them.</summary>
    internal UntracedOutputException(string message) : base(message, (Exception?)null) { }
}
