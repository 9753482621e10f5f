using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Folds a per-output-feature scale into the convolution before it: <c>conv(x, w) * s</c>, where <c>s</c> is shaped
/// <c>(1, ..., 1, O)</c> and does not depend on the convolution, becomes <c>conv(x, w * s)</c> (the kernel's output
/// feature axis is last, so <c>s</c> broadcasts onto it as it is). A batch norm with running averages after a
/// convolution then costs no multiplication over the activations: its scale <c>scale * rsqrt(var + eps)</c> is applied
/// to the kernel, once per run. Only a convolution read by nothing but the product folds; a batch norm with batch
/// statistics never does (its scale depends on the convolution). The result differs from the unfolded product by
/// float rounding only. One forward sweep; the same instance when nothing folds.
/// </summary>
internal static class ConvScaleFolding
{
    /// <summary>The program with each foldable scale moved onto its convolution's kernel.</summary>
    internal static Program Fold(Program program)
    {
        var readers = Readers.Count(program);
        var convs = new Dictionary<Var, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < program.Eqns.Length; i++)
        {
            var eqn = program.Eqns[i];
            if (eqn.Primitive == Primitive.ConvGeneralDilated && readers.GetValueOrDefault(eqn.Outputs[0]) == 1)
                convs[eqn.Outputs[0]] = i;
        }
        if (convs.Count == 0) return program;

        var replacement = new Dictionary<int, Eqn[]>();
        for (int i = 0; i < program.Eqns.Length; i++)
        {
            var eqn = program.Eqns[i];
            if (eqn.Primitive != Primitive.Mul) continue;
            int k = convs.ContainsKey(eqn.Inputs[0]) ? 0 : convs.ContainsKey(eqn.Inputs[1]) ? 1 : -1;
            if (k < 0) continue;
            var (conv, scale) = (eqn.Inputs[k], eqn.Inputs[1 - k]);
            int at = convs[conv];
            var convEqn = program.Eqns[at];
            var kernel = convEqn.Inputs[1];
            if (!IsFeatureScale(scale.Type, conv.Type) || DependsOn(program, at, i, scale)) continue;
            var scaled = new Var(kernel.Type);
            replacement[at] = [];
            replacement[i] =
            [
                new Eqn(Primitive.Mul, [kernel, scale], EqnParams.None, [scaled], eqn.ScopePath),
                convEqn with { Inputs = [convEqn.Inputs[0], scaled], Outputs = [eqn.Outputs[0]] },
            ];
        }
        if (replacement.Count == 0) return program;
        var eqns = ImmutableArray.CreateBuilder<Eqn>(program.Eqns.Length + replacement.Count);
        for (int i = 0; i < program.Eqns.Length; i++)
            if (replacement.TryGetValue(i, out var instead)) eqns.AddRange(instead);
            else eqns.Add(program.Eqns[i]);
        return program with { Eqns = eqns.ToImmutable() };
    }

    /// <summary>Whether <paramref name="scale"/> is <c>(1, ..., 1, O)</c> (or all ones) against the convolution's
    /// output, static and of its dtype.</summary>
    private static bool IsFeatureScale(TensorType scale, TensorType conv) =>
        scale.DType == conv.DType && scale.Rank == conv.Rank && scale.Dims[..^1].All(d => d == 1)
        && (scale.Dims[^1] == 1 || scale.Dims[^1] == conv.Dims[^1]);

    /// <summary>Whether <paramref name="value"/>, read by equation <paramref name="reader"/>, depends on the output
    /// of equation <paramref name="source"/> (a forward sweep over the equations between them).</summary>
    private static bool DependsOn(Program program, int source, int reader, Var value)
    {
        var tainted = new HashSet<Var>(program.Eqns[source].Outputs, ReferenceEqualityComparer.Instance);
        for (int i = source + 1; i < reader; i++)
            if (program.Eqns[i].Inputs.Any(tainted.Contains))
                foreach (var output in program.Eqns[i].Outputs) tainted.Add(output);
        return tainted.Contains(value);
    }
}
