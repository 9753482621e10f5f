using System.Collections.Immutable;

namespace Flax;

internal static partial class BatchingRules
{
    /// <summary>
    /// <see cref="Primitive.Cond"/> in its select form: every branch is batched and replayed, and each output keeps the
    /// taken branch's value with <c>select</c> (per index when the index is batched), the last branch where no earlier
    /// one is taken (so the index is clamped). JAX keeps a <c>cond</c> for an unbatched index; here the batched
    /// program computes every branch.
    /// </summary>
    private static ImmutableArray<Batched> Cond(BatchContext ctx, CondParams c, ImmutableArray<Batched> args)
    {
        var trace = ctx.Trace;
        var operands = args.Skip(1).ToArray();
        var results = c.Branches.Select(b => Batching.Run(trace, b, v => operands[b.Inputs.IndexOf(v)], ctx.Size)).ToArray();
        var index = args[0];
        var outputs = ImmutableArray.CreateBuilder<Batched>();
        for (int j = 0; j < c.Branches[0].Outputs.Length; j++)
        {
            bool batched = index.Axis is not null || results.Any(r => r[j].Axis is not null);
            Tensor Value(Batched x) => batched ? ctx.Front(x) : x.Value;
            var result = Value(results[^1][j]);
            int rank = result.Type.Rank;
            for (int k = c.Branches.Length - 2; k >= 0; k--)
            {
                var pred = index.Axis is null
                    ? trace.Bind(Primitive.Le, EqnParams.None, index.Value, trace.AddConstant(NDArray.Scalar(k)))
                    : trace.Bind(Primitive.Le, EqnParams.None, ctx.Front(index), trace.AddConstant(NDArray.From([k], 1)));
                if (rank > 0)
                    pred = trace.Bind(Primitive.Reshape, new ReshapeParams(
                        [.. Enumerable.Range(0, rank).Select(a => a == 0 && index.Axis is not null ? ctx.Size : 1)]), pred);
                result = trace.Bind(Primitive.Select, EqnParams.None, pred, Value(results[k][j]), result);
            }
            outputs.Add(new Batched(result, batched ? 0 : null));
        }
        return outputs.ToImmutable();
    }
}
