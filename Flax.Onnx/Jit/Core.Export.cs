namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Writes <paramref name="fn"/> with <paramref name="variables"/> as a standalone ONNX model (IR 8, opset 17) that
    /// other runtimes load: graph inputs named after the function's parameters (<c>x</c>), output <c>output_0</c>,
    /// every variable an overridable initializer named by its path (<c>params/Dense_0/kernel</c>), and a dimension of
    /// -1 in <paramref name="inputs"/> the symbolic axis <c>batch</c>. The file appears whole or not at all; weights
    /// over 1 GB go to ONNX external data in <c>&lt;path&gt;.&lt;hash&gt;.data</c> beside it, named after its content and
    /// written before the model, so that a crash leaves the old or the new model with its own data (data files of
    /// earlier exports of <paramref name="path"/> are removed).
    /// </summary>
    /// <param name="fn">The model.</param>
    /// <param name="variables">Its variables, e.g. from <c>Core.Init</c>.</param>
    /// <param name="path">The <c>.onnx</c> file to write (replaced if it exists).</param>
    /// <param name="inputs">The input signatures, one per tensor input, e.g. <c>[new TensorSpec(DType.Float32, -1, 4)]</c>.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <exception cref="ArgumentException">The number of specs differs from the model's inputs, or shapes do not fit an operation.</exception>
    public static void Export(Func<Scope, Tensor, Tensor> fn, VariableDict variables, string path, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags).Save(path);
    }

    /// <summary>Like <see cref="Export(Func{Scope, Tensor, Tensor}, VariableDict, string, IReadOnlyList{TensorSpec}, IReadOnlyDictionary{string, object}?)"/>,
    /// writing the model to <paramref name="stream"/> with the weights inline.</summary>
    /// <param name="fn">The model.</param>
    /// <param name="variables">Its variables.</param>
    /// <param name="stream">Where to write the model.</param>
    /// <param name="inputs">The input signatures.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <exception cref="ArgumentException">The number of specs differs from the model's inputs, or shapes do not fit an operation.</exception>
    /// <exception cref="InvalidOperationException">The weights exceed what one ONNX protobuf can hold (export to a file instead).</exception>
    public static void Export(Func<Scope, Tensor, Tensor> fn, VariableDict variables, Stream stream, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags).WriteTo(stream);
    }

    /// <inheritdoc cref="Export(Func{Scope, Tensor, Tensor}, VariableDict, string, IReadOnlyList{TensorSpec}, IReadOnlyDictionary{string, object}?)"/>
    public static void Export(Func<Scope, Tensor, Tensor, Tensor> fn, VariableDict variables, string path, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags).Save(path);
    }

    /// <inheritdoc cref="Export(Func{Scope, Tensor, Tensor}, VariableDict, Stream, IReadOnlyList{TensorSpec}, IReadOnlyDictionary{string, object}?)"/>
    public static void Export(Func<Scope, Tensor, Tensor, Tensor> fn, VariableDict variables, Stream stream, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags).WriteTo(stream);
    }
}
