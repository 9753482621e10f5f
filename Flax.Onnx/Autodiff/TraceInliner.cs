namespace Flax;

/// <summary>
/// Replays the constants and equations of a <see cref="GradBuilder"/> into a trace, so that a backward pass computed
/// over a range of the trace's own equations becomes part of it (each equation keeps its scope path).
/// </summary>
internal static class TraceInliner
{
    /// <summary>Appends <paramref name="builder"/>'s constants and equations to <paramref name="trace"/>.</summary>
    /// <returns>The tensor of the trace standing for a variable: a replayed one, or (for a variable the builder did not
    /// bind) the trace's own variable.</returns>
    internal static Func<Var, Tensor> Inline(TraceContext trace, GradBuilder builder)
    {
        var replayed = new Dictionary<Var, Tensor>();
        Tensor Resolve(Var v) => replayed.TryGetValue(v, out var t) ? t : new Tensor(trace, v);
        foreach (var constant in builder.Constants) replayed[constant.Var] = trace.AddConstant(constant.Value);
        foreach (var eqn in builder.Eqns)
        {
            using var scope = trace.InScope(eqn.ScopePath);
            var outputs = trace.BindAll(eqn.Primitive, eqn.Params, [.. eqn.Inputs.Select(Resolve)]);
            for (int k = 0; k < outputs.Length; k++) replayed[eqn.Outputs[k]] = outputs[k];
        }
        return Resolve;
    }
}
