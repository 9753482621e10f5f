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
    /// ONNX Runtime session and runs it with this call's inputs and parameter values, by the plan
    /// <see cref="ApplyPlan.Choose"/> picks. <paramref name="state"/> (one per function returned by <c>Core.Apply</c>)
    /// lets repeated calls with the same variables object skip straight to the run.
    /// </summary>
    /// <remarks>
    /// Random values drawn from <c>make_rng</c> keys (dropout masks) are program inputs drawn on the host for every run
    /// from this call's <paramref name="rngs"/> (<see cref="RandomInput"/>), so calls with other keys or batch sizes
    /// reuse the trace. Only a function that uses a key's value while tracing (<see cref="TracedProgram.DrawsKeys"/>),
    /// or creates variables, is traced again for each call.
    /// </remarks>
    internal static (NDArray[] Outputs, VariableDict? Mutated) ApplyTraced(ScopeFunction fn, ApplyState state, VariableDict variables,
        NDArray[] inputs, Rngs? rngs, Filter? mutable, IReadOnlyDictionary<string, object>? flags, Device device)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var call = new TracedCall(fn, variables, inputs, rngs, mutable, flags, device);
        using var plan = ApplyPlan.Choose(call, state);
        return plan.Run(call, state);
    }

    /// <summary>
    /// Flax's <c>init</c> on tensors: traces <paramref name="fn"/> with the init functions running on the host (the
    /// parameters get Flax's values), then runs the program once to compute the output and any computed variables.
    /// </summary>
    internal static (NDArray[] Outputs, VariableDict Variables) InitTraced(ScopeFunction fn, Rngs rngs, NDArray[] inputs,
        Filter? mutable, IReadOnlyDictionary<string, object>? flags, Device device)
    {
        ArgumentNullException.ThrowIfNull(rngs);
        using var model = new TracedModel(ScopeTracer.Trace(fn, ExactSpecs(inputs), null, rngs, mutable, flags), device);
        var parameter = model.Traced.ParameterValues(null);
        var outputs = model.Run(inputs, parameter);
        return (model.Traced.Results(outputs), model.Traced.Returned(outputs, parameter));
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
            LeafSource.Parameter p => traced.ParameterValues(null)(p.Path),
            LeafSource.Static s => s.Value,
            _ => throw new LazyInitException(Spec(traced.Program.Outputs.First(o => o.Name == leaf.Key).Var.Type)),
        })));
    }

    private static TensorSpec Spec(TensorType type) => new(type.DType, type.Shape);

    internal static void CheckArity(ScopeFunction fn, IReadOnlyList<TensorSpec> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != fn.Arity)
            throw new ArgumentException($"The model takes {fn.Arity} input(s) ({string.Join(", ", fn.InputNames)}), got {inputs.Count} input spec(s).", nameof(inputs));
        foreach (var spec in inputs) ArgumentNullException.ThrowIfNull(spec, nameof(inputs));
    }
}
