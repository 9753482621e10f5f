using Flax.Ir;

namespace Flax;

/// <summary>
/// The reverse-mode rule of a primitive with several outputs: the cotangents of its outputs (null where none flows)
/// and which inputs need one; returns one cotangent per input (null where none is needed or it is zero).
/// </summary>
internal delegate Var?[] ManyVjpRule(GradBuilder b, Eqn eqn, Var?[] cts, bool[] needed);

internal static partial class VjpRules
{
    /// <summary>The rule of <paramref name="primitive"/>, which has several outputs, or null when it has none.</summary>
    internal static ManyVjpRule? ForMany(Primitive primitive) => primitive switch
    {
        Primitive.Scan => Scan,
        _ => null,
    };

    /// <summary>
    /// <see cref="Primitive.Scan"/>: the forward steps are recomputed unrolled (they give every step's residuals) and
    /// the cotangents are carried back through them, from the last step to the first. The reverse pass is therefore
    /// straight-line, one copy of the body's VJP per step, while the forward value still comes from the one scan.
    /// </summary>
    private static Var?[] Scan(GradBuilder b, Eqn e, Var?[] cts, bool[] needed)
    {
        int start = b.Eqns.Count;
        var outputs = ScanUnrolling.Unroll(b, (ScanParams)e.Params, e.Inputs);
        var forward = b.Eqns.Skip(start).ToList();
        var seeds = cts.Select((ct, k) => (Output: outputs[k], Cotangent: ct)).Where(s => s.Cotangent is not null).Select(s => (s.Output, s.Cotangent!));
        var wrt = e.Inputs.Where((_, k) => needed[k]).Distinct().ToList();
        var inner = Autodiff.Backward(forward, seeds, wrt, b);
        var given = new HashSet<Var>();
        return [.. e.Inputs.Select((v, k) => needed[k] && given.Add(v) && inner.TryGetValue(v, out var ct) ? ct : null)];
    }
}
