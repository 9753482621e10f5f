using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Scale-shift folding, a lowering-only pass: <c>x * a + b</c> with one value per feature in <c>a</c> and <c>b</c>
/// (shaped <c>(1, ..., 1, C)</c>, as broadcast folding leaves a batch norm's scale and offset) becomes one
/// <see cref="Primitive.ScaleShift"/>, which ONNX Runtime computes in one pass (<c>BatchNormalization</c>) where the
/// <c>Mul</c> and <c>Add</c> take two. The product must be read by the sum alone, and x must have the result's shape
/// and more than one value per feature (a per-feature x is left to the cheaper <c>Mul</c> and <c>Add</c>), in float32
/// or float64 (the dtypes of ONNX Runtime's CPU <c>BatchNormalization</c>). The values are the same: the product is
/// rounded before the sum either way. One forward sweep; the same instance when nothing folds.
/// </summary>
internal static class ScaleShiftFolding
{
    /// <summary>The program with every per-feature <c>x * a + b</c> as one <see cref="Primitive.ScaleShift"/>.</summary>
    internal static Program Fold(Program program)
    {
        var readers = Readers.Count(program);
        var products = new Dictionary<Var, Eqn>(ReferenceEqualityComparer.Instance);
        var eqns = ImmutableArray.CreateBuilder<Eqn>(program.Eqns.Length);
        bool folded = false;
        foreach (var eqn in program.Eqns)
        {
            if (eqn.Primitive == Primitive.Mul && readers.GetValueOrDefault(eqn.Outputs[0]) == 1) products[eqn.Outputs[0]] = eqn;
            var affine = eqn.Primitive == Primitive.Add ? Affine(eqn, products) : null;
            folded |= affine is not null;
            eqns.Add(affine ?? eqn);
        }
        return folded ? DeadCode.Eliminate(program with { Eqns = eqns.ToImmutable() }) : program;
    }

    /// <summary>The <see cref="Primitive.ScaleShift"/> equal to the sum <paramref name="add"/>, or null when it is not
    /// a per-feature scale and shift of an operand of its shape.</summary>
    private static Eqn? Affine(Eqn add, Dictionary<Var, Eqn> products)
    {
        var result = add.Outputs[0].Type;
        if (result.DType is not (DType.Float32 or DType.Float64) || result.Rank < 2 || result.Dims[^1] < 0) return null;
        for (int k = 0; k < 2; k++)
        {
            var (sum, shift) = (add.Inputs[k], add.Inputs[1 - k]);
            if (!products.TryGetValue(sum, out var product) || !PerFeature(shift.Type, result)) continue;
            for (int j = 0; j < 2; j++)
            {
                var (x, scale) = (product.Inputs[j], product.Inputs[1 - j]);
                if (x.Type.Dims.SequenceEqual(result.Dims) && !PerFeature(x.Type, result) && PerFeature(scale.Type, result))
                    return new Eqn(Primitive.ScaleShift, [x, scale, shift], EqnParams.None, add.Outputs, add.ScopePath);
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="t"/> holds one value per feature of <paramref name="result"/>.</summary>
    private static bool PerFeature(TensorType t, TensorType result) =>
        t.Rank == result.Rank && t.Dims[^1] == result.Dims[^1] && t.Dims[..^1].All(d => d == 1);
}
