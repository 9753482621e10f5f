namespace Flax.Ir;

/// <summary>Params of <see cref="Primitive.Scan"/> (JAX's <c>scan_p</c> params <c>jaxpr</c>, <c>num_consts</c>,
/// <c>num_carry</c>, <c>length</c>, <c>reverse</c>).</summary>
/// <param name="Body">The closed body: inputs <c>(consts..., carry..., x slices...)</c>, outputs
/// <c>(carry..., y slices...)</c>; it reads no parameters. Its printed form is part of the params' key (common
/// subexpressions, the jit cache), so the tracer hoists every constant of more than one element out of it into a
/// const input.</param>
/// <param name="Consts">How many leading inputs are the same at every step.</param>
/// <param name="Carry">How many inputs after the consts are the carry (and how many leading outputs).</param>
/// <param name="Length">The number of steps, at least 1.</param>
/// <param name="Reverse">Whether the steps run from the last to the first.</param>
public sealed record ScanParams(Program Body, int Consts, int Carry, int Length, bool Reverse) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("num_consts", Int(Consts)), ("num_carry", Int(Carry)), ("length", Int(Length)), ("reverse", Reverse ? "True" : "False"),
         ("jaxpr", ProgramPrinter.Print(Body))];

    internal override IEnumerable<(string Name, Program Program)> Programs() => [("jaxpr", Body)];
}
