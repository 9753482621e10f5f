using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class ShapeInference
{
    /// <summary><see cref="Primitive.While"/>: the carry's types, once both programs fit the call (closed, reading their
    /// consts and the carry; the condition gives a bool scalar; the body gives the carry back with the same types).</summary>
    private static ImmutableArray<TensorType> While(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var w = Expect<WhileParams>(Primitive.While, prm);
        int carry = ins.Length - w.CondConsts - w.BodyConsts;
        if (w.CondConsts < 0 || w.BodyConsts < 0 || carry < 0)
            throw new ArgumentException($"while takes {w.CondConsts} cond const(s), {w.BodyConsts} body const(s) and the carry, got {ins.Length} input(s).");
        var carryTypes = ins[(ins.Length - carry)..];
        Closed("cond", w.Cond, ins[..w.CondConsts], carryTypes);
        Closed("body", w.Body, ins.Slice(w.CondConsts, w.BodyConsts), carryTypes);
        if (w.Cond.Outputs.Length != 1 || !w.Cond.Outputs[0].Var.Type.Equals(new TensorType(DType.Bool, ImmutableArray<int>.Empty)))
            throw new ArgumentException($"while's cond program must give one bool scalar, got ({string.Join(", ", w.Cond.Outputs.Select(o => o.Var.Type))}).");
        if (w.Body.Outputs.Length != carry)
            throw new ArgumentException($"while's body program must give the {carry} carry value(s), got {w.Body.Outputs.Length}.");
        for (int k = 0; k < carry; k++)
            if (!w.Body.Outputs[k].Var.Type.Equals(carryTypes[k]))
                throw new ArgumentException($"while_loop body function carry input and carry output must have equal types, but carry[{k}] is {carryTypes[k]} on input and {w.Body.Outputs[k].Var.Type} on output.");
        return [.. carryTypes];
    }

    /// <summary>Checks that a loop program is closed and reads <paramref name="consts"/> then the carry.</summary>
    private static void Closed(string name, Program program, ReadOnlySpan<TensorType> consts, ReadOnlySpan<TensorType> carry)
    {
        if (!program.Parameters.IsEmpty || !program.Constants.IsEmpty)
            throw new ArgumentException($"while's {name} program must be closed, got {program.Parameters.Length} parameter(s) and {program.Constants.Length} constant(s).");
        if (program.Inputs.Length != consts.Length + carry.Length)
            throw new ArgumentException($"while's {name} program must read {consts.Length} const(s) and {carry.Length} carry value(s), got {program.Inputs.Length} input(s).");
        for (int k = 0; k < program.Inputs.Length; k++)
        {
            var given = k < consts.Length ? consts[k] : carry[k - consts.Length];
            if (!program.Inputs[k].Type.Equals(given))
                throw new ArgumentException($"while's {name} program reads input {k} as {program.Inputs[k].Type}, given {given}.");
        }
    }
}
