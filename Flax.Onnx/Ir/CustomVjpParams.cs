namespace Flax.Ir;

/// <summary>Params of <see cref="Primitive.CustomVjpCall"/> (JAX's <c>custom_vjp_call</c> with its <c>bwd</c>).</summary>
/// <param name="Backward">The user's backward rule as a closed program: inputs <c>(cotangent of y, free...)</c>, one
/// output per primal, typed like it. Equality is by reference, as for every params record holding arrays; the printed
/// form holds the whole program, so common-subexpression elimination merges two calls only when their rules are the
/// same program.</param>
/// <param name="Primals">How many inputs after <c>y</c> are primals (the rest are the free values).</param>
public sealed record CustomVjpParams(Program Backward, int Primals) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("num_primals", Int(Primals)), ("bwd", ProgramPrinter.Print(Backward))];

    internal override IEnumerable<(string Name, Program Program)> Programs() => [("bwd", Backward)];
}
