namespace Flax;

/// <summary>
/// How the lowering stores a program's parameters and constants: fed by every run (graph inputs), embedded with
/// their values (initializers), or both (overridable initializers). One named form per use instead of flags.
/// </summary>
internal sealed class ParameterForm
{
    private ParameterForm(IReadOnlyDictionary<string, NDArray>? values, bool listedAsInputs, bool constantsAsInputs) =>
        (Values, ListedAsInputs, ConstantsAsInputs) = (values, listedAsInputs, constantsAsInputs);

    /// <summary>Parameters are graph inputs that every run feeds; constants are initializers.</summary>
    internal static ParameterForm Fed { get; } = new(null, true, false);

    /// <summary>Parameters and constants (named <c>constant_N</c>) are graph inputs that every run feeds, so one model
    /// serves every program that differs only in its constant values (the traced models' form).</summary>
    internal static ParameterForm FedWithConstants { get; } = new(null, true, true);

    /// <summary>Each parameter with a value is an initializer also listed among the graph inputs (an overridable
    /// initializer: the value is the default, a run may feed another; <c>Core.Export</c>'s form); a parameter without
    /// one is a plain graph input.</summary>
    internal static ParameterForm Overridable(IReadOnlyDictionary<string, NDArray> values) => new(values, true, false);

    /// <summary>Each parameter with a value is a plain initializer only, the form ML.NET's <c>OnnxTransformer</c> loads
    /// without ONNX Runtime's "Initializer … appears in graph inputs" warning; a parameter without one is a graph input.</summary>
    internal static ParameterForm Embedded(IReadOnlyDictionary<string, NDArray> values) => new(values, false, false);

    /// <summary>The parameter values to embed, by path; null when every parameter is fed.</summary>
    internal IReadOnlyDictionary<string, NDArray>? Values { get; }

    /// <summary>Whether an embedded parameter is also a graph input.</summary>
    internal bool ListedAsInputs { get; }

    /// <summary>Whether constants are graph inputs <c>constant_N</c> rather than initializers.</summary>
    internal bool ConstantsAsInputs { get; }
}
