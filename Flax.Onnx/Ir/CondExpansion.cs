using System.Collections.Immutable;

namespace Flax.Ir;

/// <summary>
/// Rewrites every <see cref="Primitive.Cond"/> of a program into its select form: each branch's equations inlined
/// (fresh variables, the operands read directly), and each output the taken branch's value chosen by a chain of
/// <c>select(index &lt;= k, branch k, ...)</c>, the last branch where no earlier one is taken. Reverse-mode
/// differentiation runs on this form, so the gradient of a cond is the gradient of the select (zero cotangents reach
/// the branches not taken).
/// </summary>
internal static class CondExpansion
{
    /// <summary>The program with no <see cref="Primitive.Cond"/> left (the same program when it has none).</summary>
    internal static Program Expand(Program program)
    {
        if (!program.Eqns.Any(e => e.Primitive == Primitive.Cond)) return program;
        var eqns = new List<Eqn>();
        var constants = program.Constants.ToList();
        var outputs = Inline(program, v => v, eqns, constants);
        return program with
        {
            Constants = [.. constants],
            Eqns = [.. eqns],
            Outputs = [.. program.Outputs.Select((o, k) => o with { Var = outputs[k] })],
        };
    }

    /// <summary>Appends <paramref name="program"/>'s equations (conds expanded) to <paramref name="eqns"/>.</summary>
    private static ImmutableArray<Var> Inline(Program program, Func<Var, Var> leaf, List<Eqn> eqns, List<ProgramConstant> constants) =>
        ProgramInterpreter.Run(program, leaf, (eqn, args) =>
        {
            if (eqn.Primitive != Primitive.Cond)
            {
                eqns.Add(eqn with { Inputs = args });
                return eqn.Outputs;
            }
            return ExpandOne(eqn, args, eqns, constants);
        });

    /// <summary>Appends the select form of one cond equation, on the operand variables <paramref name="args"/>, and returns the
    /// variables of its outputs.</summary>
    internal static ImmutableArray<Var> ExpandOne(Eqn eqn, ImmutableArray<Var> args, List<Eqn> eqns, List<ProgramConstant> constants)
    {
        var c = (CondParams)eqn.Params;
        var operands = args[1..];
        var results = c.Branches.Select(b => Renamed(b, operands, eqns, constants)).ToArray();
        var chosen = ImmutableArray.CreateBuilder<Var>();
        for (int j = 0; j < eqn.Outputs.Length; j++)
        {
            var result = results[^1][j];
            int rank = result.Type.Rank;
            for (int k = c.Branches.Length - 2; k >= 0; k--)
            {
                var bound = new Var(new TensorType(DType.Int32, ImmutableArray<int>.Empty));
                constants.Add(new ProgramConstant(bound, NDArray.Scalar(k)));
                var pred = Emit(eqns, eqn.ScopePath, Primitive.Le, EqnParams.None, args[0], bound);
                if (rank > 0) pred = Emit(eqns, eqn.ScopePath, Primitive.Reshape, new ReshapeParams([.. Enumerable.Repeat(1, rank)]), pred);
                result = Emit(eqns, eqn.ScopePath, Primitive.Select, EqnParams.None, pred, results[k][j], result);
            }
            chosen.Add(result);
        }
        return chosen.ToImmutable();
    }

    /// <summary>A branch inlined on <paramref name="operands"/>, every variable it binds fresh.</summary>
    private static ImmutableArray<Var> Renamed(Program branch, ImmutableArray<Var> operands, List<Eqn> eqns, List<ProgramConstant> constants)
    {
        var inner = new List<Eqn>();
        var outputs = Inline(branch, v => operands[branch.Inputs.IndexOf(v)], inner, constants);
        var fresh = new Dictionary<Var, Var>();
        Var Map(Var v) => fresh.TryGetValue(v, out var f) ? f : v;
        foreach (var eqn in inner)
        {
            var outs = eqn.Outputs.Select(v => fresh[v] = new Var(v.Type)).ToImmutableArray();
            eqns.Add(eqn with { Inputs = [.. eqn.Inputs.Select(Map)], Outputs = outs });
        }
        return [.. outputs.Select(Map)];
    }

    private static Var Emit(List<Eqn> eqns, string scopePath, Primitive primitive, EqnParams parameters, params Var[] inputs)
    {
        var output = new Var(ShapeInference.Infer(primitive, parameters, [.. inputs.Select(v => v.Type)]));
        eqns.Add(new Eqn(primitive, [.. inputs], parameters, [output], scopePath));
        return output;
    }
}
