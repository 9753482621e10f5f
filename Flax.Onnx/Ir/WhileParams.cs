namespace Flax.Ir;

/// <summary>Params of <see cref="Primitive.While"/> (JAX's <c>while_p</c> with <c>cond_jaxpr</c>, <c>body_jaxpr</c>,
/// <c>cond_nconsts</c>, <c>body_nconsts</c>).</summary>
/// <param name="Cond">The condition: inputs <c>(cond consts..., carry...)</c>, one output, a bool scalar. Closed: no
/// parameters and no constants (a constant it needs is one of its consts), so the printed form, which holds the whole
/// program, tells two loops apart exactly.</param>
/// <param name="CondConsts">How many inputs of the equation, first, are the condition's consts.</param>
/// <param name="Body">The body: inputs <c>(body consts..., carry...)</c>, outputs the next carry, typed like the carry.
/// Closed like <paramref name="Cond"/>.</param>
/// <param name="BodyConsts">How many inputs of the equation, after the condition's consts, are the body's consts.</param>
public sealed record WhileParams(Program Cond, int CondConsts, Program Body, int BodyConsts) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
    [
        ("cond_nconsts", Int(CondConsts)), ("body_nconsts", Int(BodyConsts)),
        ("cond_jaxpr", ProgramPrinter.Print(Cond)), ("body_jaxpr", ProgramPrinter.Print(Body)),
    ];

    internal override IEnumerable<(string Name, Program Program)> Programs() => [("cond", Cond), ("body", Body)];
}
