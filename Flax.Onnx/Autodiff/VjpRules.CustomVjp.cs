namespace Flax;

internal static partial class VjpRules
{
    /// <summary>
    /// <see cref="Primitive.CustomVjpCall"/>: the user's backward program, replayed on the output cotangent and the
    /// free values, gives the primals' cotangents; <c>y</c> and the free values get none (a null entry), so the
    /// equations that computed <c>y</c> are not differentiated.
    /// </summary>
    private static Var?[] CustomVjpCall(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var c = (CustomVjpParams)e.Params;
        var bwd = c.Backward;
        var leaves = new Dictionary<Var, Var> { [bwd.Inputs[0]] = ct };
        for (int k = 1; k < bwd.Inputs.Length; k++) leaves[bwd.Inputs[k]] = e.Inputs[c.Primals + k];
        foreach (var constant in bwd.Constants) leaves[constant.Var] = b.Constant(constant.Value);
        var outer = b.ScopePath;
        var cts = ProgramInterpreter.Run(bwd, v => leaves[v], (eqn, args) =>
        {
            b.ScopePath = eqn.ScopePath;
            return [.. b.EmitAll(eqn.Primitive, eqn.Params, [.. args])];
        });
        b.ScopePath = outer;
        var result = new Var?[e.Inputs.Length];
        for (int k = 0; k < c.Primals; k++)
            if (needed[1 + k]) result[1 + k] = cts[k];
        return result;
    }
}
