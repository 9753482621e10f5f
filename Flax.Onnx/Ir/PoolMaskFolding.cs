using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Pool-mask folding, a lowering-only pass over max pooling after a ReLU, <c>relu(x) = select(x &lt;= 0, 0, x)</c>:
/// <list type="bullet">
/// <item>The pooling of the ReLU becomes the ReLU of the pooling, <c>reduce_window_max(relu(x))</c> to
/// <c>relu(m)</c> with <c>m = reduce_window_max(x)</c>, when every window holds an element of x (no window lies in the
/// padding): the ReLU is monotone, so both are <c>max(m, 0)</c>, and it then runs on the pooled values, a quarter of the
/// activations for 2x2 windows.</item>
/// <item>The gradient, <c>select(x &lt;= 0, 0, select_and_scatter_add(g, relu(x)))</c>, masks the pooled cotangent
/// instead: <c>select_and_scatter_add(select(m &lt;= 0, 0, g), x)</c>. The two are equal element for element: where
/// <c>m &gt; 0</c> the ReLU passes the window's maximum and keeps every other element below it, so the cotangent lands
/// on the same element of x as of relu(x), which the ReLU passes; where <c>m &lt;= 0</c> the cotangent is 0 wherever it
/// lands. (When some window lies in the padding, the scatter keeps relu(x) and the mask reads the pooling of relu(x).)
/// A window whose maximum is NaN hands its cotangent to no element in the lowered graph either way.</item>
/// </list>
/// The full-size ReLU, comparison and select then disappear where nothing else reads them; the pooling is the forward
/// one again (common subexpressions). A -0 maximum may come out as -0 where the pooling of the ReLU gives +0, as with
/// <see cref="ClampFolding"/>. Run before <see cref="ClampFolding"/>, which turns the selects into <c>max</c>. One
/// forward sweep; the same instance when nothing folds.
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
            var instead = Masked(eqn, producers, zeros) ?? Commuted(eqn, producers, zeros);
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
            || !producers.TryGetValue(scatter.Inputs[1], out var relu) || !IsRelu(relu, producers, zeros)
            || !ReferenceEquals(relu.Inputs[0], eqn.Inputs[0])
            || !eqn.Outputs[0].Type.Dims.SequenceEqual(scatter.Outputs[0].Type.Dims))
            return null;

        var (zero, source) = (eqn.Inputs[1], scatter.Inputs[0]);
        var operand = EveryWindowHoldsAnElement((ReduceWindowParams)scatter.Params, relu.Inputs[2].Type) ? relu.Inputs[2] : relu.Outputs[0];
        var pooledType = source.Type;
        var pooled = new Var(pooledType);
        var stopped = new Var(new TensorType(DType.Bool, pooledType.Dims));
        var masked = new Var(pooledType);
        return
        [
            new Eqn(Primitive.ReduceWindowMax, [operand], scatter.Params, [pooled], scatter.ScopePath),
            new Eqn(Primitive.Le, [pooled, zero], EqnParams.None, [stopped], eqn.ScopePath),
            new Eqn(Primitive.Select, [stopped, zero, source], EqnParams.None, [masked], eqn.ScopePath),
            scatter with { Inputs = [masked, operand], Outputs = eqn.Outputs },
        ];
    }

    /// <summary>The equations of <c>relu(reduce_window_max(x))</c> for <paramref name="eqn"/>, a max pooling of
    /// <c>relu(x)</c> whose windows each hold an element of x; otherwise null.</summary>
    private static Eqn[]? Commuted(Eqn eqn, Dictionary<Var, Eqn> producers, HashSet<Var> zeros)
    {
        if (eqn.Primitive != Primitive.ReduceWindowMax || !EveryWindowHoldsAnElement((ReduceWindowParams)eqn.Params, eqn.Inputs[0].Type)
            || !producers.TryGetValue(eqn.Inputs[0], out var relu) || !IsRelu(relu, producers, zeros))
            return null;
        var zero = relu.Inputs[1];
        var type = eqn.Outputs[0].Type;
        var (pooled, stopped) = (new Var(type), new Var(new TensorType(DType.Bool, type.Dims)));
        return
        [
            eqn with { Inputs = [relu.Inputs[2]], Outputs = [pooled] },
            new Eqn(Primitive.Le, [pooled, zero], EqnParams.None, [stopped], relu.ScopePath),
            new Eqn(Primitive.Select, [stopped, zero, pooled], EqnParams.None, eqn.Outputs, relu.ScopePath),
        ];
    }

    /// <summary>Whether <paramref name="relu"/> is <c>select(x &lt;= 0, 0, x)</c>, x of its own shape.</summary>
    private static bool IsRelu(Eqn relu, Dictionary<Var, Eqn> producers, HashSet<Var> zeros) =>
        relu.Primitive == Primitive.Select && zeros.Contains(relu.Inputs[1])
        && producers.TryGetValue(relu.Inputs[0], out var comparison) && IsClampTest(comparison, zeros)
        && ReferenceEquals(relu.Inputs[2], comparison.Inputs[0]) && relu.Inputs[2].Type.Dims.SequenceEqual(relu.Outputs[0].Type.Dims);

    /// <summary>Whether every window of a pooling over <paramref name="operand"/> holds an element of it: no empty axis
    /// (the batch axis may be dynamic) and no padding as wide as the window.</summary>
    private static bool EveryWindowHoldsAnElement(ReduceWindowParams p, TensorType operand) =>
        operand.Dims.All(d => d != 0)
        && p.Padding.Select((q, k) => q.Low < p.WindowDimensions[k] && q.High < p.WindowDimensions[k]).All(b => b);

    /// <summary>Whether <paramref name="eqn"/> is <c>x &lt;= 0</c> for a floating-point x (not <c>x &lt; 0</c>: that
    /// ReLU passes the gradient at 0, which the pooled maximum cannot tell from a clamped negative).</summary>
    private static bool IsClampTest(Eqn eqn, HashSet<Var> zeros) =>
        eqn.Primitive == Primitive.Le && zeros.Contains(eqn.Inputs[1]) && eqn.Inputs[0].Type.DType.IsFloat();
}
