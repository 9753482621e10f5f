using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// A scope function traced once: the program, the names of its inputs, the host values of the parameters that init
/// functions created during the trace, and, when the call returns variables, where each of their leaves comes from.
/// The program's inputs are the function's, then one per <see cref="RandomInputs"/>.
/// </summary>
/// <param name="Program">The checked program; outputs 0 to <see cref="ResultCount"/> − 1 are the function's results.</param>
/// <param name="InputNames">The graph names of the program inputs (the function's, then the random ones).</param>
/// <param name="Created">Host values of the parameters created during the trace, by path.</param>
/// <param name="Variables">The returned variables as flattened path and source, or null when none are returned.</param>
internal sealed record TracedProgram(
    Program Program, ImmutableArray<string> InputNames, IReadOnlyDictionary<string, NDArray> Created,
    ImmutableArray<KeyValuePair<string, LeafSource>>? Variables)
{
    /// <summary>The values drawn per run from the run's PRNG keys, after the function's inputs.</summary>
    internal ImmutableArray<RandomInput> RandomInputs { get; init; } = [];

    /// <summary>Whether the program holds values of the traced call's PRNG keys (a key used on the host while tracing),
    /// so it serves that call only.</summary>
    internal bool DrawsKeys { get; init; }

    /// <summary>The number of the function's results (1 unless it returns several tensors); the returned variables'
    /// outputs follow them.</summary>
    internal int ResultCount { get; init; } = 1;

    /// <summary>The function's results among a run's outputs.</summary>
    internal NDArray[] Results(NDArray[] outputs) => outputs[..ResultCount];

    /// <summary>The number of the function's own inputs.</summary>
    internal int FunctionInputCount => InputNames.Length - RandomInputs.Length;

    /// <summary>Whether the program holds values of the call it was traced for (parameters created during the trace,
    /// host values of its PRNG keys), so that it serves that call only.</summary>
    internal bool HoldsCallValues => Created.Count > 0 || DrawsKeys;

    /// <summary>The value of each parameter by path: the array at that path of the variables given to the call
    /// (<paramref name="flat"/>, flattened; null for none), else the value created during the trace.</summary>
    internal Func<string, NDArray> ParameterValues(IReadOnlyDictionary<string, object>? flat) =>
        path => flat is not null && flat.TryGetValue(path, out var value) && value is NDArray array ? array : Created[path];

    /// <summary>The variables a run returns: each leaf from its output, its fed parameter or its fixed value.</summary>
    /// <param name="outputs">The run's outputs.</param>
    /// <param name="parameter">The value fed for each parameter (<see cref="ParameterValues"/>).</param>
    internal VariableDict Returned(NDArray[] outputs, Func<string, NDArray> parameter) =>
        VariableDict.Unflatten(Variables!.Value.Select(leaf => KeyValuePair.Create(leaf.Key, leaf.Value switch
        {
            LeafSource.Output o => outputs[o.Index],
            LeafSource.Parameter p => parameter(p.Path),
            LeafSource.Static s => s.Value,
            _ => throw new InvalidOperationException($"Unknown leaf source {leaf.Value}."),
        })));
}
