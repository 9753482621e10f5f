namespace Flax.Ir;

/// <summary>
/// An IR variable: bound exactly once in a <see cref="Program"/> (as an input, parameter, constant or equation
/// output) and identified by reference, like JAX's <c>Var</c>. It has no name; printers name variables
/// <c>a, b, c, ...</c> in order of appearance.
/// </summary>
public sealed class Var
{
    /// <summary>Creates a fresh variable.</summary>
    /// <param name="type">Its shape and dtype.</param>
    public Var(TensorType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        Type = type;
    }

    /// <summary>The variable's shape and dtype.</summary>
    public TensorType Type { get; }

    /// <summary>Shows the type only (names belong to a printed program): <c>Var(f32[2,3])</c>.</summary>
    public override string ToString() => $"Var({Type})";
}
