using System.Text.RegularExpressions;

namespace Flax;

/// <summary>
/// ONNX Runtime rejected a run of the model because of the values it was given, e.g. an index outside its axis in
/// <c>Tensor.Take</c> or an embedding lookup (where JAX, with no checks on the device, would give undefined values).
/// The message names the ONNX node, whose name starts with the Flax scope path that emitted it, and ONNX Runtime's
/// reason. Flax has no such error: it is this port's replacement for a failure inside XLA.
/// </summary>
public sealed partial class ModelRunException : FlaxException
{
    private ModelRunException(string message, string? node, Exception? cause) : base(message, cause)
    {
        Node = node;
    }

    /// <summary>The ONNX node that failed (<c>scope/path/OpType_N</c>), or null when ONNX Runtime did not say.</summary>
    public string? Node { get; }

    /// <summary>The clear error for ONNX Runtime's run failure <paramref name="e"/>.</summary>
    internal static ModelRunException From(Exception e)
    {
        var match = NodeFailure().Match(e.Message);
        return match.Success
            ? new ModelRunException($"ONNX Runtime could not run node '{match.Groups[2].Value}' ({match.Groups[1].Value}) of the model: " +
                $"{match.Groups[3].Value.TrimEnd()}.", match.Groups[2].Value, e)
            : new ModelRunException($"ONNX Runtime could not run the model: {e.Message}", null, e);
    }

    /// <summary>The error for a run whose output <paramref name="name"/> is not what the model declares (a model
    /// file whose nodes contradict its declared output shape).</summary>
    internal static ModelRunException WrongOutput(string name, string expected, string actual) =>
        new($"ONNX Runtime ran the model, but its output '{name}' is {actual} where the model declares {expected}.", null, null);

    [GeneratedRegex(@"running (\S+) node\. Name:'([^']*)' Status Message: (.*)$", RegexOptions.Singleline)]
    private static partial Regex NodeFailure();
}
