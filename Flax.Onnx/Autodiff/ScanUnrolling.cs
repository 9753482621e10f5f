using System.Collections.Immutable;
using Flax.Ir;

namespace Flax;

/// <summary>
/// A <see cref="Primitive.Scan"/> equation written out step by step (one copy of the body per step, slicing the
/// scanned inputs and stacking the outputs), for the transformations that work on straight-line equations: <c>vmap</c>,
/// and the reverse pass of a scan with integer values (which <see cref="ScanTranspose"/> does not cover). A nested scan is unrolled too; other loops in the body
/// (<c>while</c>) stay one equation per step.
/// </summary>
internal static class ScanUnrolling
{
    /// <summary>Appends to <paramref name="b"/> the unrolled steps of a scan with params <paramref name="s"/> on
    /// <paramref name="inputs"/> and returns the variables of its outputs (final carry, stacked ys).</summary>
    internal static Var[] Unroll(GradBuilder b, ScanParams s, IReadOnlyList<Var> inputs)
    {
        var consts = inputs.Take(s.Consts).ToArray();
        var carry = inputs.Skip(s.Consts).Take(s.Carry).ToArray();
        var xs = inputs.Skip(s.Consts + s.Carry).ToArray();
        var ys = new Var[s.Length][];
        var saved = b.ScopePath;
        var constants = s.Body.Constants.ToDictionary(c => c.Var, c => b.Constant(c.Value));
        foreach (int step in s.Reverse ? Enumerable.Range(0, s.Length).Reverse() : Enumerable.Range(0, s.Length))
        {
            var leaves = new Dictionary<Var, Var>(constants);
            Var[] args = [.. consts, .. carry, .. xs.Select(x => b.Reshape(b.SliceAxis(x, 0, step, step + 1), x.Type.Dims.RemoveAt(0)))];
            for (int k = 0; k < args.Length; k++) leaves[s.Body.Inputs[k]] = args[k];
            var outs = ProgramInterpreter.Run(s.Body, v => leaves[v], (eqn, ins) =>
            {
                b.ScopePath = eqn.ScopePath;
                if (eqn.Primitive == Primitive.Scan) return [.. Unroll(b, (ScanParams)eqn.Params, ins)];
                return [.. b.EmitAll(eqn.Primitive, eqn.Params, [.. ins])];
            });
            carry = [.. outs.Take(s.Carry)];
            ys[step] = [.. outs.Skip(s.Carry)];
        }
        b.ScopePath = saved;
        int count = s.Body.Outputs.Length - s.Carry;
        var stacked = Enumerable.Range(0, count).Select(o =>
        {
            var steps = ys.Select(y => b.Reshape(y[o], y[o].Type.Dims.Insert(0, 1))).ToArray();
            return steps.Length == 1 ? steps[0] : b.Emit(Primitive.Concatenate, new AxisParams(0), steps);
        });
        return [.. carry, .. stacked];
    }

    /// <summary>The unrolled form of a scan equation as a closed program over the equation's inputs.</summary>
    internal static Program Program(Eqn eqn)
    {
        var b = new GradBuilder { ScopePath = eqn.ScopePath };
        var inputs = eqn.Inputs.Select(v => new Var(v.Type)).ToArray();
        var outputs = Unroll(b, (ScanParams)eqn.Params, inputs);
        return new Program([.. inputs], [], [.. b.Constants], [.. b.Eqns], [.. outputs.Select((v, k) => new ProgramOutput($"output_{k}", v))]);
    }
}
