using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Broadcast folding: a <c>broadcast_in_dim</c> whose every reader is an element-wise equation that already has an
/// operand of the full shape is replaced by a reshape of its operand to the full rank (size 1 on the broadcast
/// axes), which element-wise equations broadcast implicitly. The full-size copy is never materialized: the gradient of
/// a reduction (a broadcast of the reduced cotangent) added to or multiplied into a full-size cotangent costs one
/// pass instead of two. An element-wise equation whose operands are all the same broadcast of equally shaped values
/// runs on those values, before the broadcast (which may then fold). One forward sweep; the same instance when
/// nothing folds.
/// </summary>
internal static class BroadcastFolding
{
    /// <summary>The program with every foldable broadcast folded.</summary>
    internal static Program Fold(Program program)
    {
        var readers = new Dictionary<Var, List<Eqn>>(ReferenceEqualityComparer.Instance);
        foreach (var eqn in program.Eqns)
            foreach (var input in eqn.Inputs)
                (readers.TryGetValue(input, out var list) ? list : readers[input] = []).Add(eqn);
        var outputs = new HashSet<Var>(program.Outputs.Select(o => o.Var), ReferenceEqualityComparer.Instance);

        var replaced = new Dictionary<Var, Var>(ReferenceEqualityComparer.Instance);
        var kept = new Dictionary<Var, Eqn>(ReferenceEqualityComparer.Instance);
        var eqns = ImmutableArray.CreateBuilder<Eqn>(program.Eqns.Length);
        bool changed = false;
        foreach (var original in program.Eqns)
        {
            var eqn = original.Inputs.Any(replaced.ContainsKey)
                ? original with { Inputs = [.. original.Inputs.Select(v => replaced.TryGetValue(v, out var r) ? r : v)] }
                : original;
            if (IsElementwise(eqn.Primitive) && SameBroadcast(eqn, kept) is { } broadcast)
            {
                // f(broadcast(a), broadcast(b)) = broadcast(f(a, b)): computed at the operands' size.
                var small = new Var(new TensorType(eqn.Outputs[0].Type.DType, broadcast.Inputs[0].Type.Dims));
                eqns.Add(eqn with { Inputs = [.. eqn.Inputs.Select(v => kept[v].Inputs[0])], Outputs = [small] });
                eqn = broadcast with { Inputs = [small], Outputs = eqn.Outputs };
                changed = true;
            }
            var full = eqn.Outputs[0];
            if (eqn.Primitive != Primitive.BroadcastInDim || outputs.Contains(full) || !readers.TryGetValue(full, out var readBy)
                || !readBy.All(r => Absorbs(r, full)) || KeptRank(eqn) is not { } dims)
            {
                if (eqn.Primitive == Primitive.BroadcastInDim) kept[full] = eqn;
                eqns.Add(eqn);
                continue;
            }
            var operand = eqn.Inputs[0];
            if (operand.Type.Dims.SequenceEqual(dims)) replaced[full] = operand;
            else
            {
                var reshaped = new Var(new TensorType(operand.Type.DType, dims));
                eqns.Add(new Eqn(Primitive.Reshape, [operand], new ReshapeParams([.. dims]), [reshaped], eqn.ScopePath));
                replaced[full] = reshaped;
            }
        }
        if (replaced.Count == 0 && !changed) return program;
        return program with { Eqns = eqns.ToImmutable() };
    }

    /// <summary>The broadcast every operand of <paramref name="eqn"/> comes from (the same params and operand shape),
    /// or null when an operand is not such a broadcast.</summary>
    private static Eqn? SameBroadcast(Eqn eqn, Dictionary<Var, Eqn> kept)
    {
        if (!kept.TryGetValue(eqn.Inputs[0], out var first)) return null;
        var p = (BroadcastInDimParams)first.Params;
        foreach (var input in eqn.Inputs)
            if (!kept.TryGetValue(input, out var other) || !other.Inputs[0].Type.Dims.SequenceEqual(first.Inputs[0].Type.Dims)
                || other.Params is not BroadcastInDimParams q || !q.Shape.SequenceEqual(p.Shape)
                || !q.BroadcastDimensions.SequenceEqual(p.BroadcastDimensions))
                return null;
        return first;
    }

    /// <summary>Whether <paramref name="reader"/> is element-wise with another operand of <paramref name="full"/>'s
    /// shape, so that it broadcasts a size-1 form of <paramref name="full"/> to the same result.</summary>
    private static bool Absorbs(Eqn reader, Var full) =>
        IsElementwise(reader.Primitive)
        && reader.Inputs.Any(v => !ReferenceEquals(v, full) && v.Type.Dims.SequenceEqual(full.Type.Dims));

    private static bool IsElementwise(Primitive p) => p is Primitive.Add or Primitive.Sub or Primitive.Mul or Primitive.Div
        or Primitive.Max or Primitive.Min or Primitive.Pow or Primitive.Eq or Primitive.Ne or Primitive.Lt or Primitive.Le
        or Primitive.Gt or Primitive.Ge or Primitive.And or Primitive.Or or Primitive.Select;

    /// <summary>The broadcast's operand dims placed on the output's axes, 1 on the others; null when the operand has a
    /// dynamic axis (a reshape could not state it) or its axes are not in increasing order.</summary>
    private static int[]? KeptRank(Eqn broadcast)
    {
        var p = (BroadcastInDimParams)broadcast.Params;
        var operand = broadcast.Inputs[0].Type.Dims;
        if (operand.Any(d => d < 0)) return null;
        for (int i = 1; i < p.BroadcastDimensions.Length; i++)
            if (p.BroadcastDimensions[i] <= p.BroadcastDimensions[i - 1]) return null;
        var dims = Enumerable.Repeat(1, p.Shape.Length).ToArray();
        for (int i = 0; i < operand.Length; i++) dims[p.BroadcastDimensions[i]] = operand[i];
        return dims;
    }
}
