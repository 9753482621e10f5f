namespace Flax;

public static partial class Core
{
    /// <summary>
    /// The signatures a call's inputs are traced with: each array's dtype and shape, with the leading axis dynamic
    /// (the <c>batch</c> axis) when every input has at least one axis and they all agree on its size; otherwise exact.
    /// </summary>
    internal static TensorSpec[] TraceSpecs(IReadOnlyList<NDArray> inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
            ArgumentNullException.ThrowIfNull(inputs[i], $"x{i + 1}");
        bool batched = inputs.All(x => x.Rank > 0 && x.ShapeSpan[0] == inputs[0].ShapeSpan[0]);
        return [.. inputs.Select(x =>
        {
            var shape = x.Shape;
            if (batched) shape[0] = -1;
            return new TensorSpec(x.DType, shape);
        })];
    }

    /// <summary>
    /// The exact signatures of a call traced for itself alone (init, or an apply whose trace uses its keys' values):
    /// host values drawn while tracing, such as dropout masks, need the actual batch size.
    /// </summary>
    internal static TensorSpec[] ExactSpecs(IReadOnlyList<NDArray> inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
            ArgumentNullException.ThrowIfNull(inputs[i], $"x{i + 1}");
        return [.. inputs.Select(x => new TensorSpec(x.DType, x.Shape))];
    }

    /// <summary>
    /// Flax's <c>apply</c> on tensors: traces <paramref name="fn"/> once per <see cref="ApplyKey"/> into a cached
    /// ONNX Runtime session and runs it with this call's inputs and parameter values. <paramref name="state"/> (one per
    /// function returned by <c>Core.Apply</c>) lets repeated calls with the same variables object skip straight to the run.
    /// </summary>
    /// <remarks>
    /// Random values drawn from <c>make_rng</c> keys (dropout masks) are program inputs drawn on the host for every run
    /// from this call's <paramref name="rngs"/> (<see cref="RandomInput"/>), so calls with other keys or batch sizes
    /// reuse the trace. Only a function that uses a key's value while tracing (<see cref="TracedProgram.DrawsKeys"/>),
    /// or creates variables, is traced again for each call.
    /// </remarks>
    internal static (NDArray Output, VariableDict? Mutated) ApplyTraced(ScopeFunction fn, ApplyState state, VariableDict variables,
        NDArray[] inputs, Rngs? rngs, Filter? mutable, IReadOnlyDictionary<string, object>? flags, Device device)
    {
        ArgumentNullException.ThrowIfNull(variables);
        bool random = rngs is { Count: > 0 };
        if (!random && state.TryReuse(variables, inputs) is { } last)
        {
            try
            {
                return Results(last.Model, last.Model.Run(inputs, last.Parameters), last.Flat, mutable);
            }
            finally
            {
                last.Parameters.Release();
                last.Model.Release();
            }
        }

        var flat = variables.Flatten();
        var specs = TraceSpecs(inputs);
        bool fresh = false;
        TracedModel model;
        try
        {
            model = Compiled(specs);
        }
        catch (Exception e) when (e is not DeviceUnavailableException && specs.Any(s => s.Shape.Contains(-1)))
        {
            // The function needs the leading axis as a number (a Dense over a rank-1 input, a reshape by x.Shape[0]):
            // trace at the exact shapes instead; if that fails too, its error (with the real shapes) is the one to see.
            model = Compiled(ExactSpecs(inputs));
        }
        try
        {
            if (model.Traced.Created.Count > 0 || model.Traced.DrawsKeys)
                // The trace holds values of its own call (created variables, host values of its keys): they belong to it only.
                return fresh ? Results(model, model.Run(inputs, Parameter(model, flat), rngs), flat, mutable)
                    : TracedAlone(fn, variables, inputs, rngs, mutable, flags, device);
            if (random)
                return Results(model, model.Run(inputs, Parameter(model, flat), rngs), flat, mutable);

            var parameters = model.Bind(Parameter(model, flat));
            parameters.TryAcquire();
            state.Remember(new ApplyState.LastCall(variables, model, parameters, flat));
            try
            {
                return Results(model, model.Run(inputs, parameters), flat, mutable);
            }
            finally
            {
                parameters.Release();
            }
        }
        finally
        {
            model.Release();
        }

        // The cached model with a reference of this call's (ModelCache.GetOrCreate), released above.
        TracedModel Compiled(TensorSpec[] specs) => ModelCache.Shared.GetOrCreate(new ApplyKey(fn.Original, specs, flat, mutable, flags, rngs, device), () =>
        {
            fresh = true;
            return new TracedModel(ScopeTracer.Trace(fn, specs, variables, rngs, mutable, flags, randomPerRun: true), device);
        });
    }

    /// <summary>
    /// Traces one call on its own, at the inputs' exact shapes (host values of its keys drawn while tracing need the
    /// batch size), and runs it on the session shared by every trace of the same structure (<see cref="StructureKey"/>),
    /// feeding this trace's constants: one session serves every PRNG key.
    /// </summary>
    private static (NDArray Output, VariableDict? Mutated) TracedAlone(ScopeFunction fn, VariableDict variables, NDArray[] inputs,
        Rngs? rngs, Filter? mutable, IReadOnlyDictionary<string, object>? flags, Device device)
    {
        var traced = ScopeTracer.Trace(fn, ExactSpecs(inputs), variables, rngs, mutable, flags);
        var key = new StructureKey(fn.Original, StructureKey.Of(traced.Program), device);
        var model = ModelCache.Shared.GetOrCreate(key, () => new TracedModel(traced, device, constantsAsInputs: true));
        var flat = variables.Flatten();
        NDArray Parameter(string path) => flat.TryGetValue(path, out var value) && value is NDArray array ? array : traced.Created[path];
        NDArray[] outputs;
        try
        {
            outputs = model.Run(inputs, Parameter, constants: [.. traced.Program.Constants.Select(c => c.Value)]);
        }
        finally
        {
            model.Release();
        }
        return (outputs[0], mutable is null ? null : TracedModel.Variables(traced, outputs, Parameter));
    }

    /// <summary>The value of a parameter: from the variables, else created during the trace.</summary>
    private static Func<string, NDArray> Parameter(TracedModel model, IReadOnlyDictionary<string, object> flat) =>
        path => flat.TryGetValue(path, out var value) && value is NDArray array ? array : model.Traced.Created[path];

    private static (NDArray Output, VariableDict? Mutated) Results(TracedModel model, NDArray[] outputs, IReadOnlyDictionary<string, object> flat, Filter? mutable) =>
        (outputs[0], mutable is null ? null : model.Variables(outputs, Parameter(model, flat)));

    /// <summary>
    /// Flax's <c>init</c> on tensors: traces <paramref name="fn"/> with the init functions running on the host (the
    /// parameters get Flax's values), then runs the program once to compute the output and any computed variables.
    /// </summary>
    internal static (NDArray Output, VariableDict Variables) InitTraced(ScopeFunction fn, Rngs rngs, NDArray[] inputs,
        Filter? mutable, IReadOnlyDictionary<string, object>? flags, Device device)
    {
        ArgumentNullException.ThrowIfNull(rngs);
        using var model = new TracedModel(ScopeTracer.Trace(fn, ExactSpecs(inputs), null, rngs, mutable, flags), device);
        NDArray Parameter(string path) => model.Traced.Created[path];
        var outputs = model.Run(inputs, Parameter);
        return (outputs[0], model.Variables(outputs, Parameter));
    }

    /// <summary>
    /// Flax's <c>lazy_init</c> on tensors: traces <paramref name="fn"/> on shape-only inputs and returns the created
    /// variables without running anything.
    /// </summary>
    /// <exception cref="LazyInitException">A variable's value is computed from the inputs.</exception>
    internal static VariableDict LazyInitTraced(ScopeFunction fn, Rngs rngs, TensorSpec[] inputs, Filter? mutable, IReadOnlyDictionary<string, object>? flags)
    {
        ArgumentNullException.ThrowIfNull(rngs);
        CheckArity(fn, inputs);
        var traced = ScopeTracer.Trace(fn, inputs, null, rngs, mutable, flags);
        return VariableDict.Unflatten(traced.Variables!.Value.Select(leaf => KeyValuePair.Create(leaf.Key, leaf.Value switch
        {
            LeafSource.Parameter p => traced.Created[p.Path],
            LeafSource.Static s => s.Value,
            _ => throw new LazyInitException(Spec(traced.Program.Outputs.First(o => o.Name == leaf.Key).Var.Type)),
        })));
    }

    private static TensorSpec Spec(TensorType type) => new(type.DType, type.Shape);

    private static void CheckArity(ScopeFunction fn, IReadOnlyList<TensorSpec> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != fn.Arity)
            throw new ArgumentException($"The model takes {fn.Arity} input(s) ({string.Join(", ", fn.InputNames)}), got {inputs.Count} input spec(s).", nameof(inputs));
        foreach (var spec in inputs) ArgumentNullException.ThrowIfNull(spec, nameof(inputs));
    }

    /// <summary>
    /// Traces <paramref name="fn"/> on <paramref name="inputs"/> with <paramref name="variables"/> and lowers it with
    /// every parameter's value as an overridable initializer: a standalone model.
    /// </summary>
    internal static OnnxModel ExportTraced(ScopeFunction fn, VariableDict variables, TensorSpec[] inputs, IReadOnlyDictionary<string, object>? flags)
    {
        ArgumentNullException.ThrowIfNull(variables);
        CheckArity(fn, inputs);
        var traced = ScopeTracer.Trace(fn, inputs, variables, null, null, flags);
        var flat = variables.Flatten();
        var values = traced.Program.Parameters.ToDictionary(p => p.Path,
            p => flat.TryGetValue(p.Path, out var v) && v is NDArray a ? a : traced.Created[p.Path]);
        return Lowerer.Lower(traced.Program, traced.InputNames, ParameterForm.Overridable(values));
    }
}
