using Flax.Lowering.Proto;

namespace Flax;

internal static partial class LoweringRules
{
    /// <summary>
    /// <see cref="Primitive.Cond"/>: a chain of ONNX <c>If</c>s, <c>If(index &lt;= 0)</c> running branch 0 and else
    /// <c>If(index &lt;= 1)</c>, and so on, the last branch in the innermost else (so the index is clamped as
    /// <c>lax.switch</c> clamps it). Only the taken branch runs; the branch subgraphs read the operands, the shared
    /// constants and the batch size by name from the outer graph. A single branch needs no <c>If</c>.
    /// </summary>
    private static IReadOnlyList<string> Cond(GraphBuilder g, Eqn eqn, IReadOnlyList<string> inputs, IReadOnlyList<string?> outputs)
    {
        var c = (CondParams)eqn.Params;
        var operands = inputs.Skip(1).ToArray();
        var types = eqn.Outputs.Select(v => v.Type).ToArray();
        if (c.Branches.Length == 1)
            return [.. Lowerer.LowerClosed(g, c.Branches[0], operands).Select((name, k) => g.Node("Identity", name, outputs[k]))];
        return IfChain(g, c, 0, inputs[0], operands, types, outputs);
    }

    private static IReadOnlyList<string> IfChain(GraphBuilder g, CondParams c, int k, string index, string[] operands,
        TensorType[] types, IReadOnlyList<string?> outputs)
    {
        var pred = g.Node("LessOrEqual", [index, g.Constant(NDArray.Scalar(k))]);
        var then = BranchGraph(g, $"branch_{k}", types, sub => Lowerer.LowerClosed(sub, c.Branches[k], operands));
        var otherwise = BranchGraph(g, $"branches_from_{k + 1}", types, sub => k + 2 == c.Branches.Length
            ? Lowerer.LowerClosed(sub, c.Branches[k + 1], operands)
            : IfChain(sub, c, k + 1, index, operands, types, new string?[types.Length]));
        return g.Nodes("If", [pred], outputs,
            OnnxAttributes.Graph("then_branch", then), OnnxAttributes.Graph("else_branch", otherwise));
    }

    /// <summary>A branch subgraph: no inputs, the given outputs (named by Identity nodes of their own).</summary>
    private static GraphProto BranchGraph(GraphBuilder g, string name, TensorType[] types, Func<GraphBuilder, IReadOnlyList<string>> body)
    {
        var sub = g.Subgraph(name);
        sub.AddOutputs(body(sub), types);
        return sub.Graph;
    }
}
