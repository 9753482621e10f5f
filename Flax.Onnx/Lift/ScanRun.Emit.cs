using Flax.Ir;

namespace Flax;

internal sealed partial class ScanRun
{
    /// <summary>
    /// The loop as one <see cref="Primitive.Scan"/> equation over the body traced once: the carry (with the carried
    /// variables after it) are its carry, the scanned inputs and variables (moved to axis 0) its xs, the broadcast inputs
    /// and variables and the body's constants of more than one element its consts; the stacked outputs and the new
    /// values of the scanned variables are moved back to their axes. Null when the loop has no such form: the body
    /// creates variables or reads parameters, nothing is scanned, or the carried variables read and written differ.
    /// </summary>
    private (Tensor[] Carry, Tensor[] Ys)? Emit(LiftedTrace loop, Tensor[] init, Tensor[] xs, int?[] inAxes, int outAxis, bool reverse,
        VariableDict[] loopGroups, Dictionary<string, object> carryVars, Dictionary<(int, string), Tensor> scannedOut)
    {
        var program = loop.Program;
        if (loop.Hook.Created.Count > 0 || !program.Parameters.IsEmpty) return null;
        int nc = init.Length, nx = xs.Length;
        var consts = new List<(Var Inner, Tensor Outer)>();
        var carries = new List<(Var Inner, Tensor Outer)>();
        var scannedIn = new List<(Var Inner, Tensor Outer)>();
        for (int j = 0; j < nc; j++) carries.Add((program.Inputs[j], init[j]));
        for (int j = 0; j < nx; j++)
            if (inAxes[j] is { } a) scannedIn.Add((program.Inputs[nc + j], ToFront(xs[j], a)));
            else consts.Add((program.Inputs[nc + j], xs[j]));
        var carryLeafIn = new SortedDictionary<string, Var>(StringComparer.Ordinal);
        for (int k = 0; k < loop.InputLeaves.Count; k++)
        {
            var (g, path) = loop.InputLeaves[k];
            var v = program.Inputs[nc + nx + k];
            if (g == Carry) carryLeafIn[path] = v;
            else if (g == Broadcast) consts.Add((v, (Tensor)loopGroups[g].Flatten()[path]));
            else scannedIn.Add((v, ToFront((Tensor)loopGroups[g].Flatten()[path], groupAxes[g])));
        }
        if (scannedIn.Count == 0) return null;

        var carryOut = program.Outputs.Take(nc).Select(o => o.Var).ToList();
        var yOut = program.Outputs.Skip(nc).Take(loop.Results - nc).Select(o => o.Var).ToList();
        var carryLeafOut = new Dictionary<string, Var>(StringComparer.Ordinal);
        var scannedLeafOut = new List<(int Group, string Path, Var Var)>();
        var inputs = program.Inputs.ToHashSet();
        for (int k = 0; k < loop.OutputLeaves.Count; k++)
        {
            var (g, path) = loop.OutputLeaves[k];
            var v = program.Outputs[loop.Results + k].Var;
            if (g == Carry) carryLeafOut[path] = v;
            else if (g > Carry && !inputs.Contains(v)) scannedLeafOut.Add((g, path, v));
        }
        if (!carryLeafIn.Keys.ToHashSet().SetEquals(carryLeafOut.Keys)) return null;
        foreach (var (path, v) in carryLeafIn)
        {
            carries.Add((v, (Tensor)carryVars[path]));
            carryOut.Add(carryLeafOut[path]);
        }
        var kept = new List<ProgramConstant>();
        foreach (var constant in program.Constants)
            if (constant.Value.Size > 1) consts.Add((constant.Var, trace.AddConstant(constant.Value)));
            else kept.Add(constant);

        Var[] bodyOutputs = [.. carryOut, .. yOut, .. scannedLeafOut.Select(s => s.Var)];
        var body = new Program([.. consts.Select(c => c.Inner), .. carries.Select(c => c.Inner), .. scannedIn.Select(c => c.Inner)], [],
            [.. kept], program.Eqns, [.. bodyOutputs.Select((v, k) => new ProgramOutput($"output_{k}", v))]);
        var outs = trace.BindAll(Primitive.Scan, new ScanParams(body, consts.Count, carries.Count, length, reverse),
            [.. consts.Select(c => c.Outer), .. carries.Select(c => c.Outer), .. scannedIn.Select(c => c.Outer)]);

        int i = nc;
        foreach (var path in carryLeafIn.Keys) carryVars[path] = outs[i++];
        var ys = new Tensor[yOut.Count];
        for (int o = 0; o < ys.Length; o++)
        {
            var y = outs[i++];
            ys[o] = FromFront(y, outAxis < 0 ? outAxis + y.Rank : outAxis);
        }
        foreach (var (g, path, _) in scannedLeafOut) scannedOut[(g, path)] = FromFront(outs[i++], groupAxes[g]);
        return ([.. outs.Take(nc)], ys);
    }

    /// <summary><paramref name="x"/> with axis <paramref name="axis"/> moved to the front.</summary>
    private static Tensor ToFront(Tensor x, int axis) =>
        axis == 0 ? x : x.Transpose([axis, .. Enumerable.Range(0, x.Rank).Where(a => a != axis)]);

    /// <summary><paramref name="x"/> with its axis 0 moved to <paramref name="axis"/>.</summary>
    private static Tensor FromFront(Tensor x, int axis)
    {
        if (axis == 0) return x;
        var perm = Enumerable.Range(1, x.Rank - 1).ToList();
        perm.Insert(axis, 0);
        return x.Transpose([.. perm]);
    }
}
