namespace Flax.Tests.Nn;

/// <summary>
/// Runs a scope function through the same tracing as the traced <c>Core.Init</c>/<c>Core.Apply</c>, but evaluates the
/// program with the IR reference evaluator instead of ONNX Runtime, at the inputs' exact shapes.
/// </summary>
internal static class Evaluated
{
    /// <summary><c>init(fn)(rngs, *inputs)</c>: the output and every created variable.</summary>
    public static (NDArray Y, VariableDict Variables) Init(Func<Scope, Tensor[], Tensor> fn, Rngs rngs, params NDArray[] inputs)
    {
        var (y, variables) = Run(fn, null, rngs, null, inputs);
        return (y, variables!);
    }

    /// <summary><c>apply(fn, mutable)(variables, *inputs, rngs)</c>: the output and, with a mutable filter, the mutable
    /// collections.</summary>
    public static (NDArray Y, VariableDict? Mutated) Apply(Func<Scope, Tensor[], Tensor> fn, VariableDict variables,
        Rngs? rngs, Filter? mutable, params NDArray[] inputs) =>
        Run(fn, variables, rngs, mutable, inputs);

    private static (NDArray Y, VariableDict? Variables) Run(Func<Scope, Tensor[], Tensor> fn, VariableDict? variables,
        Rngs? rngs, Filter? mutable, NDArray[] inputs)
    {
        var specs = inputs.Select(x => new TensorSpec(x.DType, x.Shape)).ToArray();
        var names = Enumerable.Range(0, inputs.Length).Select(i => $"input_{i}").ToArray();
        var traced = ScopeTracer.Trace(new ScopeFunction(fn, (scope, xs) => [fn(scope, xs)], [.. names]), specs, variables, rngs, mutable, null);
        var given = variables?.Flatten();
        NDArray Parameter(string path) => given is not null && given.TryGetValue(path, out var v) && v is NDArray a ? a : traced.Created[path];
        var outputs = Evaluator.Run(traced.Program, inputs, traced.Program.Parameters.ToDictionary(p => p.Path, p => Parameter(p.Path)));
        var leaves = traced.Variables?.Select(leaf => KeyValuePair.Create(leaf.Key, leaf.Value switch
        {
            LeafSource.Output o => outputs[o.Index],
            LeafSource.Parameter p => Parameter(p.Path),
            LeafSource.Static s => s.Value,
            _ => throw new InvalidOperationException($"Unknown leaf source {leaf.Value}."),
        }));
        return (outputs[0], leaves is null ? null : VariableDict.Unflatten([.. leaves]));
    }
}
