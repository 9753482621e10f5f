using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class ShapeInference
{
    /// <summary><see cref="Primitive.Scan"/>: the final carry typed as the init, each y stacked to
    /// <c>(length, ...)</c>, once the body fits the call (JAX's <c>_scan_typecheck</c>).</summary>
    private static ImmutableArray<TensorType> Scan(EqnParams prm, ReadOnlySpan<TensorType> ins)
    {
        var s = Expect<ScanParams>(Primitive.Scan, prm);
        var body = s.Body;
        int xs = ins.Length - s.Consts - s.Carry;
        if (s.Consts < 0 || s.Carry < 0 || xs < 0 || s.Length < 1)
            throw new ArgumentException($"scan takes {s.Consts} const(s), {s.Carry} carry value(s) and the scanned inputs over at least one step, got {ins.Length} input(s) and length {s.Length}.");
        if (body.Inputs.Length != ins.Length || body.Outputs.Length < s.Carry || !body.Parameters.IsEmpty)
            throw new ArgumentException($"scan's body must read {ins.Length} value(s) and give at least {s.Carry} (the carry), got {body.Inputs.Length} input(s), {body.Outputs.Length} output(s) and {body.Parameters.Length} parameter(s).");
        for (int k = 0; k < s.Consts + s.Carry; k++)
            if (!body.Inputs[k].Type.Equals(ins[k]))
                throw new ArgumentException($"scan's body reads input {k} as {body.Inputs[k].Type}, given {ins[k]}.");
        for (int k = s.Consts + s.Carry; k < ins.Length; k++)
        {
            var x = ins[k];
            if (x.Rank == 0 || x.Dims[0] != s.Length)
                throw new ArgumentException($"scan's scanned input {k - s.Consts - s.Carry} has shape {Shapes.Format(x.Shape)}, whose axis 0 is not the length {s.Length}.");
            var slice = new TensorType(x.DType, x.Dims.RemoveAt(0));
            if (!body.Inputs[k].Type.Equals(slice))
                throw new ArgumentException($"scan's body reads scanned input {k - s.Consts - s.Carry} as {body.Inputs[k].Type}, its slice is {slice}.");
        }
        var outputs = ImmutableArray.CreateBuilder<TensorType>(body.Outputs.Length);
        for (int k = 0; k < body.Outputs.Length; k++)
        {
            var type = body.Outputs[k].Var.Type;
            if (k < s.Carry)
            {
                if (!type.Equals(ins[s.Consts + k]))
                    throw new ArgumentException($"scan carry output and input must have the same type structure: carry {k} is {ins[s.Consts + k]} in and {type} out.");
                outputs.Add(type);
            }
            else outputs.Add(new TensorType(type.DType, type.Dims.Insert(0, s.Length)));
        }
        return outputs.MoveToImmutable();
    }
}
