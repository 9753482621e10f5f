using System.Collections.Immutable;

namespace Flax;

/// <summary>Replays a traced body into the current trace as it is (an unrolled loop step, a <c>jit</c> region), each
/// equation keeping its scope path.</summary>
internal static class Inlining
{
    /// <summary>Appends <paramref name="program"/>'s equations to <paramref name="trace"/>.</summary>
    /// <param name="trace">The outer trace.</param>
    /// <param name="program">The body.</param>
    /// <param name="leaf">The outer tensor of each input and parameter (constants are added to the trace).</param>
    /// <returns>The outer tensors of the program's outputs.</returns>
    internal static ImmutableArray<Tensor> Run(TraceContext trace, Program program, Func<Var, Tensor> leaf)
    {
        var constants = program.Constants.ToDictionary(c => c.Var, c => c.Value);
        return ProgramInterpreter.Run(program, v => constants.TryGetValue(v, out var value) ? trace.AddConstant(value) : leaf(v),
            (eqn, args) =>
            {
                using var scope = trace.InScope(eqn.ScopePath);
                return trace.BindAll(eqn.Primitive, eqn.Params, [.. args]);
            });
    }
}
