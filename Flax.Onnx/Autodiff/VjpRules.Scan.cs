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
    /// <see cref="Primitive.Scan"/>: with floating-point values only, two scans (<see cref="ScanTranspose"/>: the
    /// carries stacked by a forward scan, the cotangents carried back by a scan in the other direction that recomputes
    /// each step). Otherwise (an integer carry or slice, which has no cotangent) the forward steps are recomputed
    /// unrolled and the cotangents carried back through them, one copy of the body's VJP per step.
    /// </summary>
    private static Var?[] Scan(GradBuilder b, Eqn e, Var?[] cts, bool[] needed)
    {
        if (ScanTranspose.Applies(e)) return ScanTranspose.Backward(b, e, cts, needed);
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
