using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// A scope function traced once: the program, the names of its inputs, the host values of the parameters that init
/// functions created during the trace, and, when the call returns variables, where each of their leaves comes from.
/// The program's inputs are the function's, then one per <see cref="RandomInputs"/>.
/// </summary>
/// <param name="Program">The checked program; output 0 is the function's result.</param>
/// <param name="InputNames">The graph names of the program inputs (the function's, then the random ones).</param>
/// <param name="Created">Host values of the parameters created during the trace, by path.</param>
/// <param name="Variables">The returned variables as flattened path and source, or null when none are returned.</param>
internal sealed record TracedProgram(
    Program Program, ImmutableArray<string> InputNames, IReadOnlyDictionary<string, NDArray> Created,
    ImmutableArray<KeyValuePair<string, LeafSource>>? Variables)
{
    /// <summary>The program output name of the function's result.</summary>
    internal const string OutputName = "output_0";

    /// <summary>The values drawn per run from the run's PRNG keys, after the function's inputs.</summary>
    internal ImmutableArray<RandomInput> RandomInputs { get; init; } = [];

    /// <summary>Whether the program holds values of the traced call's PRNG keys (a key used on the host while tracing),
    /// so it serves that call only.</summary>
    internal bool DrawsKeys { get; init; }

    /// <summary>The number of the function's own inputs.</summary>
    internal int FunctionInputCount => InputNames.Length - RandomInputs.Length;
}
