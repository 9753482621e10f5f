using System.Collections.Immutable;

namespace Flax;

/// <summary>A value of a batched replay (JAX's <c>BatchTracer</c>): a tensor of the outer trace and the axis that
/// holds the mapped index, or null for a value that is the same at every index.</summary>
/// <param name="Value">The tensor.</param>
/// <param name="Axis">The batch axis, or null when unbatched.</param>
internal readonly record struct Batched(Tensor Value, int? Axis);

/// <summary>
/// <c>vmap</c> as a program transformation (JAX's batching interpreter): replays a program traced for one index into
/// the current trace so that each equation computes every index at once, by one rule per primitive
/// (<see cref="BatchingRules"/>). Equations whose inputs are all unbatched are replayed as they are, so the graph holds
/// one copy of the body and no per-index slices.
/// </summary>
internal static class Batching
{
    /// <summary>Replays <paramref name="program"/> batched.</summary>
    /// <param name="trace">The outer trace.</param>
    /// <param name="program">The program of one index.</param>
    /// <param name="leaf">The batched value of each input, parameter and constant.</param>
    /// <param name="size">The mapped axis size (-1 = the dynamic batch size).</param>
    /// <returns>The batched values of the program's outputs.</returns>
    internal static ImmutableArray<Batched> Run(TraceContext trace, Program program, Func<Var, Batched> leaf, int size) =>
        ProgramInterpreter.Run(program, leaf, (eqn, args) =>
        {
            using var scope = trace.InScope(eqn.ScopePath);
            if (args.All(a => a.Axis is null))
                return [.. trace.BindAll(eqn.Primitive, eqn.Params, [.. args.Select(a => a.Value)]).Select(t => new Batched(t, null))];
            if (eqn.Primitive.HasManyOutputs()) return BatchingRules.ApplyMany(new BatchContext(trace, size), eqn, args);
            return [BatchingRules.Apply(new BatchContext(trace, size), eqn, args)];
        });

    /// <summary>Moves the batch axis of <paramref name="value"/> to <paramref name="axis"/>, broadcasting an unbatched
    /// value to the mapped size there.</summary>
    internal static Tensor MoveTo(BatchContext ctx, Batched value, int axis) => value.Axis is { } from
        ? ctx.MoveAxis(value.Value, from, axis)
        : ctx.Broadcast(value.Value, axis);
}

/// <summary>What every batching rule needs: the outer trace and the mapped size, with the reshuffles rules share.</summary>
/// <param name="Trace">The outer trace.</param>
/// <param name="Size">The mapped axis size (-1 = the dynamic batch size).</param>
internal readonly record struct BatchContext(TraceContext Trace, int Size)
{
    /// <summary>Binds one equation in the outer trace.</summary>
    internal Tensor Bind(Primitive primitive, EqnParams parameters, params ReadOnlySpan<Tensor> args) => Trace.Bind(primitive, parameters, args);

    /// <summary>Moves axis <paramref name="from"/> of <paramref name="x"/> to <paramref name="to"/> (no equation when equal).</summary>
    internal Tensor MoveAxis(Tensor x, int from, int to)
    {
        if (from == to) return x;
        var order = Enumerable.Range(0, x.Rank).Where(a => a != from).ToList();
        order.Insert(to, from);
        return Bind(Primitive.Transpose, new TransposeParams([.. order]), x);
    }

    /// <summary>The batched value with its batch axis first; an unbatched one is broadcast to the mapped size.</summary>
    internal Tensor Front(Batched value) => Batching.MoveTo(this, value, 0);

    /// <summary><paramref name="x"/> with a new axis of size 1 at <paramref name="axis"/>.</summary>
    internal Tensor ExpandDims(Tensor x, int axis)
    {
        var shape = x.Shape.ToList();
        shape.Insert(axis, 1);
        return Bind(Primitive.Reshape, new ReshapeParams([.. shape]), x);
    }

    /// <summary><paramref name="x"/> repeated along a new axis of the mapped size at <paramref name="axis"/>.</summary>
    internal Tensor Broadcast(Tensor x, int axis)
    {
        var shape = x.Shape.ToList();
        shape.Insert(axis, Size);
        var dims = Enumerable.Range(0, x.Rank).Select(a => a < axis ? a : a + 1);
        return Bind(Primitive.BroadcastInDim, new BroadcastInDimParams([.. shape], [.. dims]), x);
    }

    /// <summary><paramref name="x"/> reshaped to <paramref name="shape"/>.</summary>
    internal Tensor Reshape(Tensor x, params int[] shape) => Bind(Primitive.Reshape, new ReshapeParams([.. shape]), x);
}
