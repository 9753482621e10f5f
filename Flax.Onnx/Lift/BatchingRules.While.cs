using System.Collections.Immutable;

namespace Flax;

internal static partial class BatchingRules
{
    /// <summary>
    /// <see cref="Primitive.While"/> (JAX's <c>_while_loop_batching_rule</c>). The batched carries are found by a
    /// fixpoint (a carry is batched when its initial value is or the body makes it so). With an unbatched condition the
    /// loop runs once for every index, its programs batched (batch axis first). With a batched condition every carry is
    /// batched, the loop runs while any index's condition holds, and an iteration updates only the indices whose
    /// condition holds (the others keep their carry, selected with <c>select</c>).
    /// </summary>
    private static ImmutableArray<Batched> While(BatchContext ctx, WhileParams w, ImmutableArray<Batched> args)
    {
        int nc = w.CondConsts, nb = w.BodyConsts, n = args.Length - nc - nb;
        bool[] condIn = [.. args.Take(nc).Select(a => a.Axis is not null)];
        bool[] bodyIn = [.. args.Skip(nc).Take(nb).Select(a => a.Axis is not null)];
        bool[] carry = [.. args.Skip(nc + nb).Select(a => a.Axis is not null)];
        while (true)
        {
            var (_, _, bodyOut) = BatchProgram(w.Body, [.. bodyIn, .. carry], ctx.Size, null);
            bool[] next = [.. carry.Zip(bodyOut, (a, b) => a || b)];
            if (next.SequenceEqual(carry)) break;
            carry = next;
        }
        bool predBatched = BatchProgram(w.Cond, [.. condIn, .. carry], ctx.Size, null).Batched[0];
        if (predBatched) carry = [.. carry.Select(_ => true)];

        var (body, bodyConsts, _) = BatchProgram(w.Body, [.. bodyIn, .. carry], ctx.Size, carry);
        var (cond, condConsts, _) = BatchProgram(w.Cond, [.. condIn, .. carry], ctx.Size, [predBatched]);
        Tensor Arg(int k, bool batched) => batched ? ctx.Front(args[k]) : args[k].Value;
        var condArgs = Enumerable.Range(0, nc).Select(k => Arg(k, condIn[k])).ToList();
        var bodyArgs = Enumerable.Range(nc, nb).Select(k => Arg(k, bodyIn[k - nc])).ToList();
        var carryArgs = Enumerable.Range(nc + nb, n).Select(k => Arg(k, carry[k - nc - nb])).ToList();
        var condConstTensors = condConsts.Select(ctx.Trace.AddConstant).Concat(condArgs).ToList();
        var bodyConstTensors = bodyConsts.Select(ctx.Trace.AddConstant).Concat(bodyArgs).ToList();

        ImmutableArray<Tensor> outputs;
        if (!predBatched)
            outputs = ctx.Trace.BindAll(Primitive.While, new WhileParams(cond, condConstTensors.Count, body, bodyConstTensors.Count),
                [.. condConstTensors, .. bodyConstTensors, .. carryArgs]);
        else
        {
            // The condition any(pred); the body runs the condition per index and keeps the carry where it is false.
            var carryTypes = carryArgs.Select(t => t.Type).ToArray();
            var (anyCond, anyConsts) = Close([.. condConstTensors.Select(t => t.Type), .. carryTypes], (trace, xs) =>
            {
                var pred = Inlining.Run(trace, cond, v => xs[cond.Inputs.IndexOf(v)])[0];
                var count = trace.Bind(Primitive.ReduceMax, new ReduceParams([0]), trace.Bind(Primitive.ConvertElementType, new ConvertElementTypeParams(DType.Int32), pred));
                return [trace.Bind(Primitive.Gt, EqnParams.None, count, trace.AddConstant(NDArray.Scalar(0)))];
            });
            int cc = condConstTensors.Count, bc = bodyConstTensors.Count;
            var (maskedBody, maskedConsts) = Close([.. condConstTensors.Select(t => t.Type), .. bodyConstTensors.Select(t => t.Type), .. carryTypes], (trace, xs) =>
            {
                var state = xs[(cc + bc)..];
                var pred = Inlining.Run(trace, cond, v => { int i = cond.Inputs.IndexOf(v); return i < cc ? xs[i] : state[i - cc]; })[0];
                var next = Inlining.Run(trace, body, v => { int i = body.Inputs.IndexOf(v); return i < bc ? xs[cc + i] : state[i - bc]; });
                return [.. next.Select((t, k) =>
                {
                    var mask = trace.Bind(Primitive.BroadcastInDim, new BroadcastInDimParams(t.Type.Dims, [0]), pred);
                    return trace.Bind(Primitive.Select, EqnParams.None, mask, t, state[k]);
                })];
            });
            var anyConstTensors = anyConsts.Select(ctx.Trace.AddConstant).Concat(condConstTensors).ToList();
            var maskedConstTensors = maskedConsts.Select(ctx.Trace.AddConstant).Concat(condConstTensors).Concat(bodyConstTensors).ToList();
            outputs = ctx.Trace.BindAll(Primitive.While, new WhileParams(anyCond, anyConstTensors.Count, maskedBody, maskedConstTensors.Count),
                [.. anyConstTensors, .. maskedConstTensors, .. carryArgs]);
        }
        return [.. outputs.Select((t, k) => new Batched(t, carry[k] ? 0 : null))];
    }

    /// <summary>
    /// <paramref name="program"/> batched along a new first axis for the inputs <paramref name="batched"/> marks, as a
    /// closed program: its constants (those the batching rules made too) become leading inputs, returned as values.
    /// <paramref name="force"/> marks the outputs brought to the batch axis (the others stay unbatched, which they must
    /// be); null keeps each output as batching leaves it and only reports which are batched.
    /// </summary>
    private static (Program Program, List<NDArray> Consts, bool[] Batched) BatchProgram(Program program, bool[] batched, int size, bool[]? force)
    {
        var reported = new bool[program.Outputs.Length];
        var types = program.Inputs.Select((v, k) => batched[k] ? new TensorType(v.Type.DType, (int[])[size, .. v.Type.Dims]) : v.Type).ToArray();
        var (closed, consts) = Close(types, (trace, xs) =>
        {
            var constants = program.Constants.ToDictionary(c => c.Var, c => trace.AddConstant(c.Value));
            var outs = Batching.Run(trace, program, v => constants.TryGetValue(v, out var c) ? new Batched(c, null)
                : new Batched(xs[program.Inputs.IndexOf(v)], batched[program.Inputs.IndexOf(v)] ? 0 : null), size);
            var inner = new BatchContext(trace, size);
            for (int k = 0; k < outs.Length; k++) reported[k] = outs[k].Axis is not null;
            return [.. outs.Select((o, k) => force is not null && force[k] ? inner.Front(o) : o.Axis is null ? o.Value
                : force is null ? o.Value : throw new InvalidOperationException("A loop output the fixpoint left unbatched is batched."))];
        });
        return (closed, consts, reported);
    }

    /// <summary>A closed program over inputs of <paramref name="types"/> computed by <paramref name="build"/> in a trace
    /// of its own; its constants become leading inputs (returned as values).</summary>
    private static (Program Program, List<NDArray> Consts) Close(TensorType[] types, Func<TraceContext, Tensor[], Tensor[]> build)
    {
        Program program;
        using (var trace = new TraceContext())
        {
            var xs = types.Select(t => trace.AddInput(new TensorSpec(t.DType, t.Shape))).ToArray();
            var outs = build(trace, xs);
            for (int k = 0; k < outs.Length; k++) trace.AddOutput($"output_{k}", outs[k]);
            program = trace.Finish();
        }
        return (program with { Inputs = [.. program.Constants.Select(c => c.Var), .. program.Inputs], Constants = [] },
            [.. program.Constants.Select(c => c.Value)]);
    }
}
