using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Pool-mask folding, a lowering-only pass: the gradient of max pooling over a ReLU,
/// <c>select(x &lt;= 0, 0, select_and_scatter_add(g, relu(x)))</c> with <c>relu(x) = select(x &lt;= 0, 0, x)</c>,
/// masks the pooled cotangent instead: <c>select_and_scatter_add(select(m &lt;= 0, 0, g), relu(x))</c> with
/// <c>m = reduce_window_max(relu(x))</c>, the forward pooling's result. The two are equal element for element: a
/// window's cotangent lands on the element that gave its maximum <c>m</c>, where <c>x = m</c> when <c>m &gt; 0</c>
/// (the ReLU passes it) and <c>x &lt;= 0</c> when <c>m = 0</c> (the ReLU stops it); a window whose maximum is NaN
/// hands its cotangent to no element in the lowered graph either way. The mask then costs one comparison and one
/// select over the pooled values, a quarter of the activations for 2x2 windows, and the full-size comparison and
/// select disappear where nothing else reads them; the pooling is the forward one again (common subexpressions). Run
/// before <see cref="ClampFolding"/>, which turns the forward select into a <c>max</c>. One forward sweep; the same
/// instance when nothing folds.
/// </summary>
internal static class PoolMaskFolding
{
    /// <summary>The program with every ReLU mask after a max pooling's gradient moved onto the pooled cotangent.</summary>
    internal static Program Fold(Program program)
    {
        var zeros = new HashSet<Var>(program.Constants.Where(c => ClampFolding.IsZero(c.Value)).Select(c => c.Var), ReferenceEqualityComparer.Instance);
        if (zeros.Count == 0) return program;
        var producers = new Dictionary<Var, Eqn>(ReferenceEqualityComparer.Instance);
        var eqns = ImmutableArray.CreateBuilder<Eqn>(program.Eqns.Length);
        bool folded = false;
        foreach (var eqn in program.Eqns)
        {
            var instead = Masked(eqn, producers, zeros);
            folded |= instead is not null;
            foreach (var e in instead ?? [eqn])
            {
                foreach (var output in e.Outputs) producers[output] = e;
                eqns.Add(e);
            }
        }
        return folded ? DeadCode.Eliminate(CommonSubexpressions.Eliminate(program with { Eqns = eqns.ToImmutable() })) : program;
    }

    /// <summary>The equations computing <paramref name="eqn"/>'s result with the mask on the pooled side, or null when
    /// <paramref name="eqn"/> is not a ReLU's gradient select over a max pooling's gradient of that ReLU.</summary>
    private static Eqn[]? Masked(Eqn eqn, Dictionary<Var, Eqn> producers, HashSet<Var> zeros)
    {
        if (eqn.Primitive != Primitive.Select || !zeros.Contains(eqn.Inputs[1])
            || !producers.TryGetValue(eqn.Inputs[0], out var comparison) || !IsClampTest(comparison, zeros)
            || !producers.TryGetValue(eqn.Inputs[2], out var scatter) || scatter.Primitive != Primitive.SelectAndScatterAdd
            || !producers.TryGetValue(scatter.Inputs[1], out var relu) || relu.Primitive != Primitive.Select
            || !ReferenceEquals(relu.Inputs[0], eqn.Inputs[0]) || !zeros.Contains(relu.Inputs[1])
            || !ReferenceEquals(relu.Inputs[2], comparison.Inputs[0]) || !relu.Inputs[2].Type.Dims.SequenceEqual(relu.Outputs[0].Type.Dims)
            || !eqn.Outputs[0].Type.Dims.SequenceEqual(scatter.Outputs[0].Type.Dims))
            return null;

        var (zero, source) = (eqn.Inputs[1], scatter.Inputs[0]);
        var pooledType = source.Type;
        var pooled = new Var(pooledType);
        var stopped = new Var(new TensorType(DType.Bool, pooledType.Dims));
        var masked = new Var(pooledType);
        return
        [
            new Eqn(Primitive.ReduceWindowMax, [relu.Outputs[0]], scatter.Params, [pooled], scatter.ScopePath),
            new Eqn(Primitive.Le, [pooled, zero], EqnParams.None, [stopped], eqn.ScopePath),
            new Eqn(Primitive.Select, [stopped, zero, source], EqnParams.None, [masked], eqn.ScopePath),
            scatter with { Inputs = [masked, relu.Outputs[0]], Outputs = eqn.Outputs },
        ];
    }

    /// <summary>Whether <paramref name="eqn"/> is <c>x &lt;= 0</c> for a floating-point x (not <c>x &lt; 0</c>: that
    /// ReLU passes the gradient at 0, which the pooled maximum cannot tell from a clamped negative).</summary>
    private static bool IsClampTest(Eqn eqn, HashSet<Var> zeros) =>
        eqn.Primitive == Primitive.Le && zeros.Contains(eqn.Inputs[1]) && eqn.Inputs[0].Type.DType.IsFloat();
}
