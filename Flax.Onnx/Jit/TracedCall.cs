namespace Flax;

/// <summary>
/// One call of a function returned by a traced <c>Core.Apply</c>: the function, the call's arguments, and the
/// variables flattened once by path. It finds the call's compiled model in <see cref="ModelCache.Shared"/>
/// (<see cref="Compiled()"/>) and its own trace when the cached one cannot serve it (<see cref="TraceAlone"/>).
/// </summary>
internal sealed class TracedCall(ScopeFunction fn, VariableDict variables, NDArray[] inputs, Rngs? rngs, Filter? mutable,
    IReadOnlyDictionary<string, object>? flags, Device device)
{
    private IReadOnlyDictionary<string, object>? _flat;

    /// <summary>The function's inputs.</summary>
    internal NDArray[] Inputs { get; } = inputs;

    /// <summary>The variables, as given.</summary>
    internal VariableDict Variables { get; } = variables;

    /// <summary>The call's PRNG keys, or null.</summary>
    internal Rngs? Rngs { get; } = rngs;

    /// <summary>The mutable collections, or null for none and no returned variables.</summary>
    internal Filter? Mutable { get; } = mutable;

    /// <summary>The variables by path (flattened on first use).</summary>
    internal IReadOnlyDictionary<string, object> Flat => _flat ??= Variables.Flatten();

    /// <summary>
    /// The cached model of this call's <see cref="ApplyKey"/>, traced with the leading axis dynamic, or at the exact
    /// shapes when the function needs that axis as a number (a Dense over a rank-1 input, a reshape by
    /// <c>x.Shape[0]</c>): if the exact trace fails too, its error (with the real shapes) is the one to see. The model
    /// carries a reference the caller releases. <c>TracedHere</c> is true when this call made the model, so that the
    /// values the trace holds (created variables, host values of its keys) are this call's.
    /// </summary>
    internal (TracedModel Model, bool TracedHere) Compiled()
    {
        var specs = Core.TraceSpecs(Inputs);
        try
        {
            return Compiled(specs);
        }
        catch (Exception e) when (e is not DeviceUnavailableException && specs.Any(s => s.Shape.Contains(-1)))
        {
            return Compiled(Core.ExactSpecs(Inputs));
        }
    }

    private (TracedModel Model, bool TracedHere) Compiled(TensorSpec[] specs)
    {
        TracedProgram? traced = null;
        var model = ModelCache.Shared.GetOrCreate(new ApplyKey(fn.Original, specs, Flat, Mutable, flags, Rngs, device), () =>
            new TracedModel(traced = ScopeTracer.Trace(fn, specs, Variables, Rngs, Mutable, flags, randomPerRun: true), device));
        return (model, ReferenceEquals(model.Traced, traced));
    }

    /// <summary>
    /// Traces this call on its own, at the inputs' exact shapes (host values of its keys drawn while tracing need the
    /// batch size), and runs it on the session shared by every trace of the same structure (<see cref="StructureKey"/>),
    /// feeding this trace's constants: one session serves every PRNG key.
    /// </summary>
    internal (NDArray[] Outputs, VariableDict? Mutated) TraceAlone()
    {
        var traced = ScopeTracer.Trace(fn, Core.ExactSpecs(Inputs), Variables, Rngs, Mutable, flags);
        var model = ModelCache.Shared.GetOrCreate(new StructureKey(fn.Original, StructureKey.Of(traced.Program), device),
            () => new TracedModel(traced, device, constantsAsInputs: true));
        try
        {
            var parameter = traced.ParameterValues(Flat);
            var outputs = model.Run(Inputs, parameter, constants: [.. traced.Program.Constants.Select(c => c.Value)]);
            return (traced.Results(outputs), Mutable is null ? null : traced.Returned(outputs, parameter));
        }
        finally
        {
            model.Release();
        }
    }

    /// <summary>The result of a run of <paramref name="model"/>: the function's outputs, and the returned variables when the call
    /// has mutable collections (parameters read from <paramref name="flat"/>, default <see cref="Flat"/>).</summary>
    internal (NDArray[] Outputs, VariableDict? Mutated) Results(TracedModel model, NDArray[] outputs, IReadOnlyDictionary<string, object>? flat = null) =>
        (model.Traced.Results(outputs), Mutable is null ? null : model.Traced.Returned(outputs, model.Traced.ParameterValues(flat ?? Flat)));
}
