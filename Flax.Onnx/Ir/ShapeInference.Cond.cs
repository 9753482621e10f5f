using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class ShapeInference
{
    /// <summary><see cref="Primitive.Cond"/>: the branches' output types, once every branch is closed, reads the
    /// operands and gives the same types as the first.</summary>
    private static ImmutableArray<TensorType> Cond(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var c = Expect<CondParams>(Primitive.Cond, prm);
        if (c.Branches.IsDefaultOrEmpty) throw new ArgumentException("Empty branch sequence");
        if (ins.Length == 0 || !ins[0].Equals(new TensorType(DType.Int32, ImmutableArray<int>.Empty)))
            throw new ArgumentException($"cond's index must be an int32 scalar, got {(ins.Length == 0 ? "no input" : ins[0].ToString())}.");
        var operands = ins[1..];
        var first = c.Branches[0].Outputs.Select(o => o.Var.Type).ToImmutableArray();
        for (int b = 0; b < c.Branches.Length; b++)
        {
            var branch = c.Branches[b];
            if (!branch.Parameters.IsEmpty || !branch.Constants.IsEmpty)
                throw new ArgumentException($"cond's branch {b} must be closed, got {branch.Parameters.Length} parameter(s) and {branch.Constants.Length} constant(s).");
            if (branch.Inputs.Length != operands.Length)
                throw new ArgumentException($"cond's branch {b} must read the {operands.Length} operand(s), got {branch.Inputs.Length} input(s).");
            for (int k = 0; k < operands.Length; k++)
                if (!branch.Inputs[k].Type.Equals(operands[k]))
                    throw new ArgumentException($"cond's branch {b} reads operand {k} as {branch.Inputs[k].Type}, given {operands[k]}.");
            var types = branch.Outputs.Select(o => o.Var.Type).ToArray();
            if (!types.SequenceEqual(first))
                throw new ArgumentException($"branches must have equal output types, got ({string.Join(", ", first)}) and ({string.Join(", ", types)}) from branch {b}.");
        }
        return first;
    }
}
