using System.Text.RegularExpressions;

namespace Flax;

/// <summary>
/// ONNX Runtime has no kernel for an operation of the model with the dtypes it uses on the chosen device, e.g.
/// <c>x.Erf()</c> on a float64 input on the CPU (its Erf is float32-only). The message names the ONNX operator and
/// the node, whose name starts with the Flax scope path that emitted it. Casting the input (<c>x.Cast(DType.Float32)</c>)
/// is the usual fix.
/// </summary>
public sealed partial class UnsupportedOperationException : FlaxException
{
    private UnsupportedOperationException(string op, string node, string provider, Exception cause)
        : base($"ONNX Runtime's {provider} has no kernel for the operator {op} with the dtypes of node '{node}'; cast its inputs to a supported dtype such as float32.", cause)
    {
        Operator = op;
        Node = node;
    }

    /// <summary>The ONNX operator and version, e.g. <c>Erf(13)</c>.</summary>
    public string Operator { get; }

    /// <summary>The ONNX node (<c>scope/path/OpType_N</c>).</summary>
    public string Node { get; }

    /// <summary>The clear error for ONNX Runtime's "no implementation" failure <paramref name="e"/>, or null for any other failure.</summary>
    internal static UnsupportedOperationException? From(Exception e, string provider)
    {
        var match = NoKernel().Match(e.Message);
        return match.Success ? new UnsupportedOperationException(match.Groups[1].Value, match.Groups[2].Value, provider, e) : null;
    }

    [GeneratedRegex(@"Could not find an implementation for (\S+\(\d+\)) node with name '([^']*)'")]
    private static partial Regex NoKernel();
}
