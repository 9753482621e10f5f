namespace Flax;

public static partial class Core
{
    /// <summary>
    /// Writes <paramref name="fn"/> with <paramref name="variables"/> as a standalone ONNX model (IR 8, opset 17) that
    /// other runtimes load: graph inputs named after the function's parameters (<c>x</c>), output <c>output_0</c>,
    /// every variable an initializer named by its path (<c>params/Dense_0/kernel</c>; overridable unless
    /// <paramref name="overridable"/> is false), and a dimension of
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
    /// <param name="mutable">The collections the model may change, as Flax's <c>apply(..., mutable=...)</c>, e.g.
    /// <c>"batch_stats"</c> for a BatchNorm in training mode: each value the model writes there is a further graph
    /// output named by its path (<c>batch_stats/BatchNorm_0/mean</c>), with <c>:updated</c> appended where that name is
    /// already the variable's initializer. Default none: a model that writes a variable then throws Flax's
    /// <see cref="ModifyScopeVariableException"/>.</param>
    /// <param name="overridable">Also list every variable among the graph inputs, so that a runtime may feed other
    /// values (ONNX's overridable initializers; ONNX Runtime warns about each when it loads the file). False writes
    /// plain initializers: the values are fixed and the graph inputs are the model's inputs only.</param>
    /// <exception cref="ArgumentException">The number of specs differs from the model's inputs, or shapes do not fit an operation.</exception>
    public static void Export(Func<Scope, Tensor, Tensor> fn, VariableDict variables, string path, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null, Filter? mutable = null, bool overridable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags, mutable, overridable).Save(path);
    }

    /// <summary>Like <see cref="Export(Func{Scope, Tensor, Tensor}, VariableDict, string, IReadOnlyList{TensorSpec}, IReadOnlyDictionary{string, object}?, Filter?, bool)"/>,
    /// writing the model to <paramref name="stream"/> with the weights inline.</summary>
    /// <param name="fn">The model.</param>
    /// <param name="variables">Its variables.</param>
    /// <param name="stream">Where to write the model.</param>
    /// <param name="inputs">The input signatures.</param>
    /// <param name="flags">Read-only flags for the model.</param>
    /// <param name="mutable">The collections the model may change; their new values are further outputs named by path.</param>
    /// <param name="overridable">Also list every variable among the graph inputs (default); false writes plain initializers.</param>
    /// <exception cref="ArgumentException">The number of specs differs from the model's inputs, or shapes do not fit an operation.</exception>
    /// <exception cref="InvalidOperationException">The weights exceed what one ONNX protobuf can hold (export to a file instead).</exception>
    public static void Export(Func<Scope, Tensor, Tensor> fn, VariableDict variables, Stream stream, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null, Filter? mutable = null, bool overridable = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags, mutable, overridable).WriteTo(stream);
    }

    /// <inheritdoc cref="Export(Func{Scope, Tensor, Tensor}, VariableDict, string, IReadOnlyList{TensorSpec}, IReadOnlyDictionary{string, object}?, Filter?, bool)"/>
    public static void Export(Func<Scope, Tensor, Tensor, Tensor> fn, VariableDict variables, string path, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null, Filter? mutable = null, bool overridable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags, mutable, overridable).Save(path);
    }

    /// <inheritdoc cref="Export(Func{Scope, Tensor, Tensor}, VariableDict, Stream, IReadOnlyList{TensorSpec}, IReadOnlyDictionary{string, object}?, Filter?, bool)"/>
    public static void Export(Func<Scope, Tensor, Tensor, Tensor> fn, VariableDict variables, Stream stream, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyDictionary<string, object>? flags = null, Filter? mutable = null, bool overridable = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ExportTraced(ScopeFunction.Of(fn), variables, [.. inputs], flags, mutable, overridable).WriteTo(stream);
    }

    /// <summary>
    /// Traces <paramref name="fn"/> on <paramref name="inputs"/> with <paramref name="variables"/> (and the collections
    /// <paramref name="mutable"/> matches writable, their computed values further outputs) and lowers it with every
    /// parameter's value as an initializer, overridable or not: a standalone model.
    /// </summary>
    internal static OnnxModel ExportTraced(ScopeFunction fn, VariableDict variables, TensorSpec[] inputs, IReadOnlyDictionary<string, object>? flags,
        Filter? mutable = null, bool overridable = true)
    {
        ArgumentNullException.ThrowIfNull(variables);
        CheckArity(fn, inputs);
        return Standalone(ScopeTracer.Trace(fn, inputs, variables, null, mutable, flags), variables, overridable: overridable);
    }

    /// <summary>
    /// The one export path (<c>Core.Export</c>, and the ML.NET export with its column names): lowers
    /// <paramref name="traced"/>, traced with <paramref name="variables"/>, with every parameter's value (given, or
    /// created during the trace) as an initializer named by its path.
    /// </summary>
    /// <param name="traced">The traced program.</param>
    /// <param name="variables">The variables it was traced with.</param>
    /// <param name="inputNames">The graph input names; default the function's parameter names.</param>
    /// <param name="outputNames">The graph names of the function's results; default <c>output_0</c>, <c>output_1</c>, ...</param>
    /// <param name="overridable">Also list the initializers as graph inputs, so that a runtime may feed other values.</param>
    internal static OnnxModel Standalone(TracedProgram traced, VariableDict variables, IReadOnlyList<string>? inputNames = null,
        IReadOnlyList<string>? outputNames = null, bool overridable = true)
    {
        var program = traced.Program;
        if (outputNames is not null)
            program = program with { Outputs = [.. program.Outputs.Select((o, i) => i < outputNames.Count ? o with { Name = outputNames[i] } : o)] };
        var parameter = traced.ParameterValues(variables.Flatten());
        var values = program.Parameters.ToDictionary(p => p.Path, p => parameter(p.Path));
        return Lowerer.Lower(program, inputNames ?? traced.InputNames, overridable ? ParameterForm.Overridable(values) : ParameterForm.Embedded(values));
    }
}
