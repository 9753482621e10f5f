using System.Collections.Immutable;

namespace Flax;

internal static partial class BatchingRules
{
    /// <summary>
    /// <see cref="Primitive.CustomVjpCall"/> under <c>vmap</c> (JAX batches <c>custom_vjp_call</c> by batching both
    /// rules): every input moves batch-first, and the backward program is replaced by its batched form, traced here
    /// with the batch axis first on every input and output, so the user's rule is applied at every index.
    /// </summary>
    private static Batched CustomVjpCall(BatchContext ctx, CustomVjpParams c, ImmutableArray<Batched> args)
    {
        var bwd = c.Backward;
        Program batched;
        using (var trace = new TraceContext())
        {
            var inputs = bwd.Inputs.ToDictionary(v => v, v => new Batched(trace.AddInput(new TensorSpec(v.Type.DType, [ctx.Size, .. v.Type.Shape])), 0));
            foreach (var constant in bwd.Constants) inputs[constant.Var] = new Batched(trace.AddConstant(constant.Value), null);
            var outputs = Batching.Run(trace, bwd, v => inputs[v], ctx.Size);
            var inner = new BatchContext(trace, ctx.Size);
            for (int k = 0; k < outputs.Length; k++) trace.AddOutput(bwd.Outputs[k].Name, inner.Front(outputs[k]));
            batched = trace.Finish();
        }
        return new Batched(ctx.Bind(Primitive.CustomVjpCall, new CustomVjpParams(batched, c.Primals), [.. args.Select(ctx.Front)]), 0);
    }
}
