namespace Flax;

/// <summary>
/// How one call of a traced <c>Core.Apply</c> function runs, chosen before anything runs (<see cref="Choose"/>):
/// <list type="bullet">
/// <item><see cref="Remembered"/>: the function's last call had the same variables object and fitting inputs and no
/// PRNG keys: run the model bound to those parameters when it is ready, else its model on its pinned parameters.</item>
/// <item><see cref="Shared"/>: the cached program of the call's <see cref="ApplyKey"/> serves every call of that
/// key (its random values are drawn per run): run it with this call's parameter values, and remember the call when it
/// has no keys.</item>
/// <item><see cref="PerCall"/>: the program holds values of the call it was traced for (variables it created, host
/// values of its PRNG keys): run the cached model only if this call traced it, else trace this call alone.</item>
/// </list>
/// A plan holds references to the models it runs; <see cref="Dispose"/> returns them.
/// </summary>
internal abstract class ApplyPlan : IDisposable
{
    /// <summary>The plan for <paramref name="call"/> of the function whose memory is <paramref name="state"/>.</summary>
    internal static ApplyPlan Choose(TracedCall call, ApplyState state)
    {
        bool keyed = call.Rngs is { Count: > 0 };
        if (!keyed && state.TryReuse(call.Variables, call.Inputs) is { } last) return new Remembered(last);
        var (model, tracedHere) = call.Compiled();
        if (!model.Traced.HoldsCallValues) return new Shared(model, remember: !keyed);
        if (tracedHere) return new PerCall(model);
        model.Release();
        return new PerCall(null);
    }

    /// <summary>Runs the call.</summary>
    internal abstract (NDArray[] Outputs, VariableDict? Mutated) Run(TracedCall call, ApplyState state);

    /// <inheritdoc/>
    public abstract void Dispose();

    /// <summary>The last call's model and pinned parameters (each with a reference of this plan).</summary>
    private sealed class Remembered(ApplyState.LastCall last) : ApplyPlan
    {
        internal override (NDArray[] Outputs, VariableDict? Mutated) Run(TracedCall call, ApplyState state) =>
            call.Results(last.Model, last.Bound()?.TryRun(call.Inputs) ?? last.Model.Run(call.Inputs, last.Parameters), last.Flat);

        public override void Dispose()
        {
            last.Parameters.Release();
            last.Model.Release();
        }
    }

    /// <summary>A cached model that serves every call of its key.</summary>
    private sealed class Shared(TracedModel model, bool remember) : ApplyPlan
    {
        internal override (NDArray[] Outputs, VariableDict? Mutated) Run(TracedCall call, ApplyState state)
        {
            var parameter = model.Traced.ParameterValues(call.Flat);
            if (!remember) return call.Results(model, model.Run(call.Inputs, parameter, call.Rngs));
            var parameters = model.Bind(parameter);
            parameters.TryAcquire();
            state.Remember(new ApplyState.LastCall(call.Variables, model, parameters, call.Flat));
            try
            {
                return call.Results(model, model.Run(call.Inputs, parameters));
            }
            finally
            {
                parameters.Release();
            }
        }

        public override void Dispose() => model.Release();
    }

    /// <summary>A call traced for itself: <paramref name="own"/> is the cached model when this call traced it.</summary>
    private sealed class PerCall(TracedModel? own) : ApplyPlan
    {
        internal override (NDArray[] Outputs, VariableDict? Mutated) Run(TracedCall call, ApplyState state) =>
            own is null ? call.TraceAlone() : call.Results(own, own.Run(call.Inputs, own.Traced.ParameterValues(call.Flat), call.Rngs));

        public override void Dispose() => own?.Release();
    }
}
