using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>Params of <see cref="Primitive.Cond"/> (JAX's <c>cond_p</c> with <c>branches</c>).</summary>
/// <param name="Branches">The branches, at least one. Each reads the equation's operands (every input after the index)
/// and gives the equation's outputs; all have the same output types. Closed: no parameters and no constants (a constant
/// a branch needs is one of the operands), so the printed form tells two conds apart exactly.</param>
public sealed record CondParams(ImmutableArray<Program> Branches) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("branches", "(" + string.Join(", ", Branches.Select(ProgramPrinter.Print)) + ")")];

    internal override IEnumerable<(string Name, Program Program)> Programs() => Branches.Select((b, k) => ($"branch_{k}", b));
}
