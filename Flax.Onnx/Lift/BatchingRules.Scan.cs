using System.Collections.Immutable;
using Flax.Ir;

namespace Flax;

internal static partial class BatchingRules
{
    /// <summary>
    /// A loop under <c>vmap</c> by its unrolled form (<paramref name="unrolled"/>, a closed program over the equation's
    /// inputs): every step is batched by the straight-line rules, so the batched graph holds the steps unrolled.
    /// </summary>
    private static ImmutableArray<Batched> Unrolled(BatchContext ctx, Program unrolled, ImmutableArray<Batched> args)
    {
        var leaves = new Dictionary<Var, Batched>();
        for (int k = 0; k < args.Length; k++) leaves[unrolled.Inputs[k]] = args[k];
        foreach (var constant in unrolled.Constants) leaves[constant.Var] = new Batched(ctx.Trace.AddConstant(constant.Value), null);
        return Batching.Run(ctx.Trace, unrolled, v => leaves[v], ctx.Size);
    }
}
