using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Clamp folding, a lowering-only pass: <c>select(x &lt;= 0, 0, x)</c> (or with <c>x &lt; 0</c>), the form
/// <see cref="Nn.Relu"/> traces, becomes <c>max(x, 0)</c>, one ONNX <c>Max</c> instead of a comparison and a
/// <c>Where</c> over the activations (ONNX Runtime's <c>Where</c> costs five times its <c>Max</c>). The values are the
/// same, NaN included (both keep a NaN, as <c>jnp.maximum</c> does), up to the sign of a zero result: ONNX Runtime's
/// <c>Max</c> gives <c>-0</c> for a <c>-0</c> input in some broadcast forms, where the select gives <c>+0</c>. The
/// comparison stays where anything else reads it (the ReLU's gradient masks with it). Never run before autodiff: the
/// derivative of <c>max</c> at a tie is not the select's. One forward sweep; the same instance when nothing folds.
/// </summary>
internal static class ClampFolding
{
    /// <summary>The program with every select that clamps at zero replaced by a <c>max</c>.</summary>
    internal static Program Fold(Program program)
    {
        var zeros = new HashSet<Var>(program.Constants.Where(c => IsZero(c.Value)).Select(c => c.Var), ReferenceEqualityComparer.Instance);
        if (zeros.Count == 0) return program;
        var comparisons = new Dictionary<Var, Eqn>(ReferenceEqualityComparer.Instance);
        var eqns = ImmutableArray.CreateBuilder<Eqn>(program.Eqns.Length);
        bool folded = false;
        foreach (var eqn in program.Eqns)
        {
            if (eqn.Primitive is Primitive.Le or Primitive.Lt && zeros.Contains(eqn.Inputs[1])) comparisons[eqn.Outputs[0]] = eqn;
            var max = eqn.Primitive == Primitive.Select ? Clamped(eqn, comparisons, zeros) : null;
            folded |= max is not null;
            eqns.Add(max ?? eqn);
        }
        return folded ? DeadCode.Eliminate(program with { Eqns = eqns.ToImmutable() }) : program;
    }

    /// <summary>The <c>max(x, 0)</c> equal to the select <paramref name="eqn"/>, or null when it is not
    /// <c>select(x &lt;= 0, 0, x)</c> (or <c>&lt;</c>) over a floating-point <c>x</c> of the result's shape.</summary>
    private static Eqn? Clamped(Eqn eqn, Dictionary<Var, Eqn> comparisons, HashSet<Var> zeros)
    {
        var (condition, onTrue, onFalse) = (eqn.Inputs[0], eqn.Inputs[1], eqn.Inputs[2]);
        if (!comparisons.TryGetValue(condition, out var comparison) || !ReferenceEquals(comparison.Inputs[0], onFalse)
            || !zeros.Contains(onTrue) || !onFalse.Type.DType.IsFloat() || onTrue.Type.DType != onFalse.Type.DType
            || !onFalse.Type.Dims.SequenceEqual(eqn.Outputs[0].Type.Dims))
            return null;
        return eqn with { Primitive = Primitive.Max, Inputs = [onFalse, onTrue] };
    }

    /// <summary>Whether <paramref name="value"/> is one element equal to zero (of either sign).</summary>
    internal static bool IsZero(NDArray value) => value.Size == 1 && value.DType.IsFloat() && value.GetDouble(0) == 0;
}
