namespace Flax;

internal static partial class LoweringRules
{
    /// <summary><c>lax.reshape</c>: Reshape to <c>new_sizes</c> (the batch size inferred from -1, or computed when
    /// the target has several -1 or a 0, which ONNX would otherwise read as "copy").</summary>
    private static string Reshape(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var dims = ((ReshapeParams)eqn.Params).NewSizes;
        if (dims.Contains(0))
            return g.Node("Reshape", [inputs[0], g.Shape(dims, minusOneInfers: false)], output, OnnxAttributes.Int("allowzero", 1));
        return g.Node("Reshape", [inputs[0], g.Shape(dims, minusOneInfers: true)], output);
    }

    /// <summary><c>lax.transpose</c>: Transpose with <c>perm</c>.</summary>
    private static string Transpose(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("Transpose", inputs[0], output, OnnxAttributes.Ints("perm", ((TransposeParams)eqn.Params).Permutation));

    /// <summary>
    /// <c>lax.broadcast_in_dim</c>: Unsqueeze the new axes, then Expand where a size grows (a dynamic output axis fed
    /// by a dynamic operand axis is kept by Expand's size 1; one fed by a size-1 or new axis gets the batch size).
    /// </summary>
    private static string BroadcastInDim(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (BroadcastInDimParams)eqn.Params;
        var operand = In(eqn).Dims;
        var expanded = Enumerable.Repeat(1, p.Shape.Length).ToArray();
        for (int i = 0; i < operand.Length; i++) expanded[p.BroadcastDimensions[i]] = operand[i];
        bool grows = !expanded.AsSpan().SequenceEqual(p.Shape.AsSpan());
        var x = inputs[0];
        if (operand.Length < p.Shape.Length)
        {
            var newAxes = Enumerable.Range(0, p.Shape.Length).Where(a => !p.BroadcastDimensions.Contains(a));
            x = g.Node("Unsqueeze", [x, g.Int64s(newAxes)], grows ? null : output);
        }
        if (!grows) return x == inputs[0] ? g.Node("Identity", x, output) : x;
        var target = p.Shape.Select((d, a) => d < 0 && expanded[a] < 0 ? 1 : d).ToArray();
        return g.Node("Expand", [x, g.Shape(target, minusOneInfers: false)], output);
    }

    /// <summary><c>lax.concatenate</c>: Concat along the axis.</summary>
    private static string Concatenate(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("Concat", inputs, output, OnnxAttributes.Int("axis", ((AxisParams)eqn.Params).Axis));

    /// <summary><c>lax.slice</c>: Slice with starts, ends, axes and steps over the axes actually cut (Identity when
    /// none is).</summary>
    private static string Slice(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (SliceParams)eqn.Params;
        var dims = In(eqn).Dims;
        var axes = Enumerable.Range(0, dims.Length)
            .Where(a => dims[a] >= 0 && !(p.Start[a] == 0 && p.Limit[a] == dims[a] && p.Strides[a] == 1)).ToArray();
        if (axes.Length == 0) return g.Node("Identity", inputs[0], output);
        return g.Node("Slice",
            [inputs[0], g.Int64s(axes.Select(a => p.Start[a])), g.Int64s(axes.Select(a => p.Limit[a])),
             g.Int64s(axes), g.Int64s(axes.Select(a => p.Strides[a]))], output);
    }

    /// <summary><c>lax.pad</c> (no interior padding): Pad in constant mode with the value in the operand's dtype.</summary>
    private static string Pad(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (PadParams)eqn.Params;
        if (p.Low.All(v => v == 0) && p.High.All(v => v == 0)) return g.Node("Identity", inputs[0], output);
        var value = g.Constant(NDArray.Full(In(eqn).DType, p.PaddingValue));
        return g.Node("Pad", [inputs[0], g.Int64s(p.Low.Concat(p.High)), value], output);
    }

    /// <summary><c>lax.broadcasted_iota</c>: an int64 constant <c>0..n-1</c>, Reshape onto its axis, Expand, Cast.</summary>
    private static string Iota(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output)
    {
        var p = (IotaParams)eqn.Params;
        int n = p.Shape[p.Dimension];
        var line = g.Constant(NDArray.From(Enumerable.Range(0, n).Select(i => (long)i).ToArray(), n));
        var onAxis = p.Shape.Select((d, a) => a == p.Dimension ? d : 1).ToArray();
        var x = g.Node("Expand", [g.Node("Reshape", [line, g.Int64s(onAxis)]), g.Int64s(p.Shape)]);
        return g.Node("Cast", x, output, OnnxAttributes.Int("to", (long)OnnxTypes.DataType(p.DType)));
    }

    /// <summary><c>jnp.take</c>: Gather along the axis.</summary>
    private static string Take(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("Gather", inputs, output, OnnxAttributes.Int("axis", ((AxisParams)eqn.Params).Axis));

    /// <summary><c>jnp.take_along_axis</c>: GatherElements along the axis.</summary>
    private static string TakeAlongAxis(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, string? output) =>
        g.Node("GatherElements", inputs, output, OnnxAttributes.Int("axis", ((AxisParams)eqn.Params).Axis));
}
