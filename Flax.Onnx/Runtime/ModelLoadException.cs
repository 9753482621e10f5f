using System.Text.RegularExpressions;

namespace Flax;

/// <summary>
/// ONNX Runtime refused to load the model's graph when creating its session, e.g. a node whose attributes its shape
/// inference rejects. Like <see cref="ModelRunException"/>, the message names the ONNX node (whose name starts with the
/// Flax scope path that emitted it), its operator and ONNX Runtime's reason. Flax has no such error: it is this port's
/// replacement for a failure inside XLA's compiler.
/// </summary>
public sealed partial class ModelLoadException : FlaxException
{
    private ModelLoadException(string message, string? node, string? op, Exception cause) : base(message, cause)
    {
        (Node, Op) = (node, op);
    }

    /// <summary>The ONNX node that was refused, or null when ONNX Runtime did not say.</summary>
    public string? Node { get; }

    /// <summary>The node's ONNX operator (<c>MaxPool</c>), or null when ONNX Runtime did not say.</summary>
    public string? Op { get; }

    /// <summary>The clear error for ONNX Runtime's session-creation failure <paramref name="e"/>.</summary>
    internal static ModelLoadException From(Exception e)
    {
        if (NodeFailure().Match(e.Message) is { Success: true } node)
            return new ModelLoadException($"ONNX Runtime could not load node '{node.Groups[1].Value}' ({node.Groups[2].Value}) of the " +
                $"model: {node.Groups[3].Value.Trim().TrimEnd('.')}.", node.Groups[1].Value, node.Groups[2].Value, e);
        // A kernel's constructor failed: ONNX Runtime names its source line and the failed check, not the node.
        if (KernelFailure().Match(e.Message) is { Success: true } kernel)
            return new ModelLoadException($"ONNX Runtime could not create a kernel of the model: {kernel.Groups[1].Value.Trim()}", null, null, e);
        return new ModelLoadException($"ONNX Runtime could not load the model: {e.Message}", null, null, e);
    }

    [GeneratedRegex(@"Node \(([^)]*)\) Op \(([^)]*)\) (?:\[[^\]]*\] )?(.*)$", RegexOptions.Singleline)]
    private static partial Regex NodeFailure();

    [GeneratedRegex(@"Exception during initialization: .* was false\.(.*)$", RegexOptions.Singleline)]
    private static partial Regex KernelFailure();
}
