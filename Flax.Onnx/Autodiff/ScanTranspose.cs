using Flax.Ir;

namespace Flax;

/// <summary>
/// The reverse pass of a <see cref="Primitive.Scan"/> as scans (JAX's scan transpose, with the residuals recomputed
/// per step): a forward scan that also stacks the carry each step starts from, then a scan in the opposite direction
/// over <c>(xs, ys' cotangents, stacked carries)</c> whose body recomputes one step from its carry and carries the
/// carry's cotangent back, accumulating the consts' cotangents; it stacks the xs' cotangents. The graph of a
/// gradient therefore holds one body and one body VJP whatever the length.
/// </summary>
internal static class ScanTranspose
{
    /// <summary>Whether the scan's every input and output is floating-point (else the unrolled reverse pass is used:
    /// an integer carry has no cotangent to carry).</summary>
    internal static bool Applies(Eqn e) =>
        e.Inputs.All(v => v.Type.DType.IsFloat()) && e.Outputs.All(v => v.Type.DType.IsFloat());

    /// <summary>The cotangents of <paramref name="e"/>'s inputs from those of its outputs (null = zero).</summary>
    internal static Var?[] Backward(GradBuilder b, Eqn e, Var?[] cts, bool[] needed)
    {
        var s = (ScanParams)e.Params;
        var body = s.Body;
        int nConsts = s.Consts, nCarry = s.Carry, nXs = e.Inputs.Length - nConsts - nCarry, nYs = e.Outputs.Length - nCarry;

        // Forward again, stacking the carry each step starts from.
        var carriesIn = body.Inputs.Skip(nConsts).Take(nCarry).ToArray();
        var stacking = body with { Outputs = [.. body.Outputs, .. carriesIn.Select((v, k) => new ProgramOutput($"carry_in_{k}", v))] };
        var forward = b.EmitAll(Primitive.Scan, s with { Body = stacking }, [.. e.Inputs]);
        var carryStack = forward[(nCarry + nYs)..];

        // The backward body: (consts; carry ct, consts ct; x, y ct, carry) -> (carry ct, consts ct; x ct).
        var inner = new GradBuilder();
        Var[] consts = [.. body.Inputs.Take(nConsts).Select(v => new Var(v.Type))];
        Var[] carryCt = [.. carriesIn.Select(v => new Var(v.Type))];
        Var[] constsAcc = [.. consts.Select(v => new Var(v.Type))];
        Var[] xs = [.. body.Inputs.Skip(nConsts + nCarry).Select(v => new Var(v.Type))];
        Var[] yCt = [.. body.Outputs.Skip(nCarry).Select(o => new Var(o.Var.Type))];
        Var[] carry = [.. carriesIn.Select(v => new Var(v.Type))];
        Var[] stepInputs = [.. consts, .. carry, .. xs];
        int start = inner.Eqns.Count;
        var leaves = new Dictionary<Var, Var>(body.Constants.ToDictionary(c => c.Var, c => inner.Constant(c.Value)));
        for (int k = 0; k < stepInputs.Length; k++) leaves[body.Inputs[k]] = stepInputs[k];
        var stepOutputs = ProgramInterpreter.Run(body, v => leaves[v], (eqn, ins) =>
        {
            inner.ScopePath = eqn.ScopePath;
            return [.. inner.EmitAll(eqn.Primitive, eqn.Params, [.. ins])];
        });
        var stepEqns = inner.Eqns.Skip(start).ToList();
        Var[] seeds = [.. carryCt, .. yCt];
        var stepCts = Autodiff.Backward(stepEqns, stepOutputs.Select((v, k) => (v, seeds[k])), stepInputs.Distinct(), inner);
        inner.ScopePath = "";
        Var Ct(Var v) => stepCts.TryGetValue(v, out var ct) ? ct : Autodiff.Zeros(inner, v.Type);
        Var[] outputs = [.. carry.Select(Ct), .. consts.Select((v, k) => inner.Add(constsAcc[k], Ct(v))), .. xs.Select(Ct)];
        // Constants of more than one element (from the body or its VJP rules) become consts, as the tracer does, so
        // that the printed body (the params' key) spells out everything it computes.
        var hoisted = inner.Constants.Where(c => c.Value.Size > 1).ToList();
        var transposed = new Program([.. consts, .. hoisted.Select(c => c.Var), .. carryCt, .. constsAcc, .. xs, .. yCt, .. carry], [],
            [.. inner.Constants.Where(c => c.Value.Size <= 1)], [.. inner.Eqns], [.. outputs.Select((v, k) => new ProgramOutput($"ct_{k}", v))]);

        // The backward scan, in the opposite direction.
        b.ScopePath = e.ScopePath;
        Var Zero(Var v) => Autodiff.Zeros(b, v.Type);
        Var[] ins2 =
        [
            .. e.Inputs.Take(nConsts),
            .. hoisted.Select(c => b.Constant(c.Value)),
            .. e.Outputs.Take(nCarry).Select((v, k) => cts[k] ?? Zero(v)),
            .. e.Inputs.Take(nConsts).Select(Zero),
            .. e.Inputs.Skip(nConsts + nCarry),
            .. e.Outputs.Skip(nCarry).Select((v, k) => cts[nCarry + k] ?? Zero(v)),
            .. carryStack,
        ];
        var back = b.EmitAll(Primitive.Scan, new ScanParams(transposed, nConsts + hoisted.Count, nCarry + nConsts, s.Length, !s.Reverse), ins2);
        Var[] result = [.. back[nCarry..(nCarry + nConsts)], .. back[..nCarry], .. back[(nCarry + nConsts)..]];
        // An input passed at several positions gets the sum of their cotangents, once.
        var sums = new Dictionary<Var, Var>();
        for (int k = 0; k < result.Length; k++)
            if (needed[k]) sums[e.Inputs[k]] = sums.TryGetValue(e.Inputs[k], out var sum) ? b.Add(sum, result[k]) : result[k];
        return [.. e.Inputs.Select((v, k) => needed[k] && sums.Remove(v, out var ct) ? ct : null)];
    }
}
