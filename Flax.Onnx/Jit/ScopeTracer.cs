using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Traces a scope function through Flax's <c>init</c>/<c>apply</c> semantics (<see cref="Core.InitCore{T}"/>,
/// <see cref="Core.ApplyCore{T}"/>): inputs become program inputs, every array in the given variables a parameter
/// named by its path, every array an init function creates a parameter whose host value is kept (see
/// <see cref="TracingHook"/>), the results outputs 0, 1, ... (<c>output_0</c>, <c>output_1</c>, ...), and each
/// computed value left in a returned collection an output named by its path.
/// </summary>
internal static class ScopeTracer
{
    /// <summary>Traces <paramref name="fn"/>.</summary>
    /// <param name="fn">The function.</param>
    /// <param name="inputs">The input signatures (-1 = the dynamic batch size).</param>
    /// <param name="variables">The variables for <c>apply</c>, or null to trace <c>init</c>.</param>
    /// <param name="rngs">PRNG keys (required by <c>init</c>).</param>
    /// <param name="mutable">The mutable collections (<c>apply</c>: null for none and no returned variables;
    /// <c>init</c>: null for all).</param>
    /// <param name="flags">Read-only flags.</param>
    /// <param name="randomPerRun">Make random values drawn from keys of <paramref name="rngs"/> program inputs drawn
    /// for every run (<see cref="TracedProgram.RandomInputs"/>) instead of constants.</param>
    /// <exception cref="UntracedOutputException">The function returned null, no outputs, or a null output.</exception>
    /// <exception cref="ArgumentException">Shapes do not fit an operation; raised inside a layer below the root (a
    /// <c>Nn</c> layer), the message ends with a .NET hint naming the layer's scope path.</exception>
    internal static TracedProgram Trace(ScopeFunction fn, IReadOnlyList<TensorSpec> inputs, VariableDict? variables,
        Rngs? rngs, Filter? mutable, IReadOnlyDictionary<string, object>? flags, bool randomPerRun = false)
    {
        using var trace = new TraceContext();
        var xs = inputs.Select(trace.AddInput).ToArray();
        var hook = new TracingHook(trace, randomPerRun ? rngs : null);
        var parameters = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        Tensor[]? ys;
        VariableDict? result;
        string? layer = null;
        try
        {
            if (variables is null)
            {
                ArgumentNullException.ThrowIfNull(rngs);
                (ys, result) = Core.InitCore(root => fn.Body(root, xs), rngs, mutable, flags, hook);
            }
            else
                (ys, result) = Core.ApplyCore(root => fn.Body(root, xs), Parameterize(trace, variables, parameters), rngs, mutable, flags, hook);
        }
        // The filter runs before the layer's scope is left, so it sees which layer raised the error.
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && (layer = trace.ScopePath) is not (null or "/") && !e.Message.Contains(LayerHint, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{e.Message}{LayerHint}\"{layer}\")", e);
        }

        trace.AddResult(ys switch
        {
            null => throw new UntracedOutputException("The model function returned null; it must return the Tensors it computed (e.g. `return [logits, embedding];`)."),
            [] => throw new UntracedOutputException("The model function returned no outputs; it must return at least one Tensor."),
            [null, _, ..] => throw new UntracedOutputException("The model function returned null as output 0; every output must be a Tensor it computed."),
            _ => ys[0],
        });
        for (int i = 1; i < ys.Length; i++)
            trace.AddOutput($"output_{i}", ys[i] ?? throw new UntracedOutputException($"The model function returned null as output {i}; every output must be a Tensor it computed."));
        foreach (var (path, tensor) in hook.Tensors) parameters[tensor] = path;
        ImmutableArray<KeyValuePair<string, LeafSource>>? leaves = null;
        if (result is not null)
        {
            int outputs = ys.Length;
            leaves = [.. result.Flatten().Select(leaf => KeyValuePair.Create(leaf.Key, leaf.Value switch
            {
                Tensor t when parameters.TryGetValue(t, out var path) => (LeafSource)new LeafSource.Parameter(path),
                Tensor t => Output(trace, leaf.Key, t, outputs++),
                var other => new LeafSource.Static(other),
            }))];
        }
        return new TracedProgram(trace.Finish(), [.. fn.InputNames, .. hook.RandomInputs.Select(r => r.Name)], hook.Created, leaves)
        {
            RandomInputs = [.. hook.RandomInputs],
            DrawsKeys = hook.DrawsKeys,
            ResultCount = ys.Length,
        };
    }

    /// <summary>The start of the hint added to a shape error raised inside a layer: the layer's scope path follows.</summary>
    private const string LayerHint = " (.NET: raised inside the layer at scope path ";

    /// <summary>The variables with every array replaced by the program parameter of its path.</summary>
    private static VariableDict Parameterize(TraceContext trace, VariableDict variables, Dictionary<Tensor, string> parameters) =>
        VariableDict.Unflatten(variables.Flatten().Select(leaf =>
        {
            if (leaf.Value is not NDArray array) return leaf;
            var tensor = trace.AddParameter(leaf.Key, array.Shape, array.DType);
            parameters[tensor] = leaf.Key;
            return KeyValuePair.Create(leaf.Key, (object)tensor);
        }));

    private static LeafSource.Output Output(TraceContext trace, string path, Tensor value, int index)
    {
        trace.AddOutput(path, value);
        return new LeafSource.Output(index);
    }
}
