using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Lowering-only: a convolution of a cotangent with a flipped kernel, the form in which reverse-mode differentiation
/// emits a convolution's input gradient (<c>VjpRules.ConvTransposeLhs</c>: the forward kernel <c>W</c> reshaped,
/// transposed and reshaped to exchange its channel axes group by group, then reversed by a <c>take</c> of descending
/// constant indices on each spatial axis of size above 1), becomes one <see cref="Primitive.ConvTranspose"/> of the
/// cotangent with <c>W</c> itself, which lowers to one ONNX <c>ConvTranspose</c> instead of a <c>Conv</c> over the
/// dilated cotangent. The exchange and reversal then are dead and go, with the constant indices only they read.
/// </summary>
/// <remarks>
/// A convolution is rewritten only when <see cref="Primitive.ConvTranspose"/> computes exactly its values: the chain
/// is the one above with matching shapes and group count, the window strides are 1 (the forward convolution had no
/// input dilation), the low padding is at most the dilated kernel's size minus one (the forward low padding was not
/// negative), and the high end needs an output padding below the input dilation (the forward high padding was not
/// negative). Everything else, a user's own flipped-kernel convolution with other parameters included, stays a
/// <see cref="Primitive.ConvGeneralDilated"/>. The match reads constant values, so it runs only where constants are
/// fixed in the model (not when a run feeds them, <see cref="ParameterForm.FedWithConstants"/>), after
/// <see cref="CommonSubexpressions.Simplify"/> and never before autodiff or vmap, which have no rule for the result.
/// One forward sweep; the same instance when nothing folds.
/// </remarks>
internal static class ConvTransposeFolding
{
    /// <summary>The program with each matched input-gradient convolution as a <see cref="Primitive.ConvTranspose"/>.</summary>
    internal static Program Fold(Program program)
    {
        if (!program.Eqns.Any(e => e.Primitive == Primitive.ConvGeneralDilated)) return program;
        var producers = new Dictionary<Var, Eqn>(ReferenceEqualityComparer.Instance);
        foreach (var eqn in program.Eqns)
            foreach (var output in eqn.Outputs) producers[output] = eqn;
        var constants = program.Constants.ToDictionary(c => c.Var, c => c.Value);
        var indices = new HashSet<Var>(ReferenceEqualityComparer.Instance);

        var eqns = ImmutableArray.CreateBuilder<Eqn>(program.Eqns.Length);
        bool folded = false;
        foreach (var eqn in program.Eqns)
        {
            var transpose = eqn.Primitive == Primitive.ConvGeneralDilated ? Rewrite(eqn, producers, constants, indices) : null;
            folded |= transpose is not null;
            eqns.Add(transpose ?? eqn);
        }
        if (!folded) return program;

        var result = DeadCode.Eliminate(program with { Eqns = eqns.ToImmutable() });
        var read = new HashSet<Var>(result.Eqns.SelectMany(e => e.Inputs).Concat(result.Outputs.Select(o => o.Var)), ReferenceEqualityComparer.Instance);
        return result with { Constants = [.. result.Constants.Where(c => !indices.Contains(c.Var) || read.Contains(c.Var))] };
    }

    /// <summary>The <see cref="Primitive.ConvTranspose"/> equal to <paramref name="conv"/>, or null when it is not an
    /// exactly expressible input gradient; adds the reversal's index constants to <paramref name="indices"/>.</summary>
    private static Eqn? Rewrite(Eqn conv, Dictionary<Var, Eqn> producers, Dictionary<Var, NDArray> constants, HashSet<Var> indices)
    {
        var p = (ConvParams)conv.Params;
        var (ct, kernel) = (conv.Inputs[0], conv.Inputs[1]);
        int n = ct.Type.Rank - 2, groups = p.FeatureGroupCount;
        if (p.WindowStrides.Any(s => s != 1)) return null;
        var window = kernel.Type.Dims[..n];

        // The reversal: one take of descending constant indices per spatial axis of size above 1, in any order.
        var reversed = new bool[n];
        var reversal = new List<Var>();
        var v = kernel;
        while (producers.TryGetValue(v, out var take) && take.Primitive == Primitive.Take)
        {
            int axis = ((AxisParams)take.Params).Axis;
            if (axis >= n || reversed[axis] || !take.Inputs[0].Type.Equals(v.Type) || !IsReversal(take.Inputs[1], window[axis], constants))
                return null;
            reversed[axis] = true;
            reversal.Add(take.Inputs[1]);
            v = take.Inputs[0];
        }
        if (Enumerable.Range(0, n).Any(a => window[a] > 1 && !reversed[a])) return null;

        // The exchange: W (window..., C/G, O) -> (window..., C/G, G, O/G) -> (window..., O/G, G, C/G) -> (window..., O/G, C).
        if (!Produced(v, Primitive.Reshape, producers, out var merge)
            || !Produced(merge.Inputs[0], Primitive.Transpose, producers, out var swap)
            || !((TransposeParams)swap.Params).Permutation.SequenceEqual([.. Enumerable.Range(0, n), n + 2, n + 1, n])
            || !Produced(swap.Inputs[0], Primitive.Reshape, producers, out var split))
            return null;
        var w = split.Inputs[0];
        var wDims = w.Type.Dims;
        if (wDims.Length != n + 2 || !wDims[..n].SequenceEqual(window) || wDims[n + 1] % groups != 0) return null;
        int channelsPerGroup = wDims[n], outPerGroup = wDims[n + 1] / groups;
        if (!split.Outputs[0].Type.Dims.SequenceEqual([.. window, channelsPerGroup, groups, outPerGroup])
            || !v.Type.Dims.SequenceEqual([.. window, outPerGroup, channelsPerGroup * groups]))
            return null;

        var padding = new (int Low, int High)[n];
        var outputPadding = new int[n];
        for (int i = 0; i < n; i++)
        {
            int extent = ShapeInference.Dilated(window[i], p.RhsDilation[i]) - 1;
            int low = extent - p.Padding[i].Low, high = extent - p.Padding[i].High;
            if (low < 0 || -high >= p.LhsDilation[i] || ct.Type.Dims[i + 1] < 1 || conv.Outputs[0].Type.Dims[i + 1] < 1) return null;
            (padding[i], outputPadding[i]) = ((low, Math.Max(high, 0)), Math.Max(-high, 0));
        }
        indices.UnionWith(reversal);
        var parameters = new ConvTransposeParams(p.LhsDilation, [.. padding], [.. outputPadding], p.RhsDilation, groups);
        return new Eqn(Primitive.ConvTranspose, [ct, w], parameters, conv.Outputs, conv.ScopePath);
    }

    /// <summary>Whether <paramref name="v"/> is bound by an equation of <paramref name="primitive"/>.</summary>
    private static bool Produced(Var v, Primitive primitive, Dictionary<Var, Eqn> producers, out Eqn eqn) =>
        producers.TryGetValue(v, out eqn!) && eqn.Primitive == primitive;

    /// <summary>Whether <paramref name="v"/> is the constant <c>[size - 1, ..., 1, 0]</c>.</summary>
    private static bool IsReversal(Var v, int size, Dictionary<Var, NDArray> constants)
    {
        if (!constants.TryGetValue(v, out var value) || value.Rank != 1 || value.Shape[0] != size) return false;
        long[]? values = value.DType switch
        {
            DType.Int32 => [.. value.ToArray<int>().Select(i => (long)i)],
            DType.Int64 => value.ToArray<long>(),
            _ => null,
        };
        return values is not null && values.Select((x, i) => x == size - 1 - i).All(b => b);
    }
}
