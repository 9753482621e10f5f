namespace Flax.Ir;

internal static partial class ShapeInference
{
    /// <summary><see cref="Primitive.CustomVjpCall"/>: the type of <c>y</c>, once the backward program fits the call
    /// (it reads the cotangent and the free values, and gives one cotangent per primal, typed like it).</summary>
    private static TensorType CustomVjpCall(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        const Primitive p = Primitive.CustomVjpCall;
        var c = Expect<CustomVjpParams>(p, prm);
        int free = ins.Length - 1 - c.Primals;
        if (ins.Length == 0 || c.Primals < 0 || free < 0)
            throw new ArgumentException($"custom_vjp_call takes y, {c.Primals} primal(s) and the free values, got {ins.Length} input(s).");
        var bwd = c.Backward;
        if (bwd.Inputs.Length != 1 + free || bwd.Outputs.Length != c.Primals || !bwd.Parameters.IsEmpty)
            throw new ArgumentException($"custom_vjp_call's backward program must read the cotangent and {free} free value(s) and give {c.Primals} cotangent(s), got {bwd.Inputs.Length} input(s), {bwd.Outputs.Length} output(s) and {bwd.Parameters.Length} parameter(s).");
        if (!bwd.Inputs[0].Type.Equals(ins[0]))
            throw new ArgumentException($"custom_vjp_call's backward program reads a cotangent of type {bwd.Inputs[0].Type} for y of type {ins[0]}.");
        for (int k = 0; k < free; k++)
            if (!bwd.Inputs[1 + k].Type.Equals(ins[1 + c.Primals + k]))
                throw new ArgumentException($"custom_vjp_call's backward program reads free value {k} as {bwd.Inputs[1 + k].Type}, given {ins[1 + c.Primals + k]}.");
        for (int k = 0; k < c.Primals; k++)
            if (!bwd.Outputs[k].Var.Type.Equals(ins[1 + k]))
                throw new ArgumentException($"custom_vjp_call's backward program gives a cotangent of type {bwd.Outputs[k].Var.Type} for primal {k} of type {ins[1 + k]}.");
        return ins[0];
    }
}
