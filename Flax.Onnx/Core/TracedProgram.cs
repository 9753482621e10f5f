using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// A scope function traced once: the program, the names of its inputs, the host values of the parameters that init
/// functions created during the trace, and, when the call returns variables, where each of their leaves comes from.
/// </summary>
/// <param name="Program">The checked program; output 0 is the function's result.</param>
/// <param name="InputNames">The graph names of the program inputs.</param>
/// <param name="Created">Host values of the parameters created during the trace, by path.</param>
/// <param name="Variables">The returned variables as flattened path and source, or null when none are returned.</param>
internal sealed record TracedProgram(
    Program Program, ImmutableArray<string> InputNames, IReadOnlyDictionary<string, NDArray> Created,
    ImmutableArray<KeyValuePair<string, LeafSource>>? Variables)
{
    /// <summary>The program output name of the function's result.</summary>
    internal const string OutputName = "output_0";
}
