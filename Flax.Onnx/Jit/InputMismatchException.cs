namespace Flax;

/// <summary>
/// An input given to a traced model does not fit the signature it was traced with: another dtype, rank or size of a
/// static axis (only the dynamic <c>batch</c> axis, printed <c>None</c>, may vary, and it must be the same in every
/// input).
/// </summary>
/// <remarks>Example: a model traced for <c>float32 (None, 4)</c> called with a <c>float32 (2, 5)</c> array.</remarks>
public sealed class InputMismatchException : FlaxException
{
    internal InputMismatchException(string name, TensorType expected, NDArray actual, string? reason = null)
        : base($"Input \"{name}\" expects {expected.DType.Name()} {Shapes.Format(expected.Shape)}, got {actual.DType.Name()} {Shapes.Format(actual.Shape)}{(reason is null ? "" : $" ({reason})")}.", (Exception?)null)
    {
        Input = name;
    }

    /// <summary>The name of the input.</summary>
    public string Input { get; }
}
