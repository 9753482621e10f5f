namespace Flax.Tests.Autodiff;

/// <summary>
/// The reverse pass of <see cref="Primitive.Scan"/> (a forward scan stacking the carries, then a scan the other way)
/// against float64 finite differences on the reference evaluator (<see cref="GradCheck"/>): the scan of
/// <see cref="Lowering.LoweringCrossCheckTests.ScanProgram"/> (a const, two carries one of them batch-sized, two xs,
/// three ys among which a carry output and the const itself), forward and reverse, each output alone (the others get
/// no cotangent) and all of them at once.
/// </summary>
[TestClass]
public sealed class ScanVjpTests
{
    private static void Check(bool reverse, int? output)
    {
        var scan = Lowering.LoweringCrossCheckTests.ScanProgram(reverse, DType.Float64).Eqns[0];
        var rng = new System.Random(reverse ? 21 : 12);
        Arg[] args =
        [
            new(GradCheck.Uniform(rng, [1, 3])), new(GradCheck.Uniform(rng, [2, 3]), Batch: true), new(GradCheck.Uniform(rng, [1, 1])),
            new(GradCheck.Uniform(rng, [2, 4, 3]), Batch: true), new(GradCheck.Uniform(rng, [4, 1, 1])),
        ];
        GradCheck.Check(rng, (b, vars) =>
        {
            // x is given batch-first (GradCheck makes axis 0 the dynamic batch) and scanned along its axis 1.
            var outs = b.EmitAll(Primitive.Scan, scan.Params, vars[0], vars[1], vars[2], b.Transpose(vars[3], [1, 0, 2]), vars[4]);
            if (output is { } k) return outs[k];
            var total = b.ReduceSum(outs[0], [0, 1]);
            for (int i = 1; i < outs.Length; i++) total = b.Add(total, b.ReduceSum(outs[i], Enumerable.Range(0, outs[i].Type.Rank)));
            return total;
        }, args);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void EveryOutputAtOnce(bool reverse) => Check(reverse, null);

    /// <summary>A body holding a constant of three elements, <c>h = tanh(h * k + x)</c>: the reverse scan reads it as
    /// a const (hoisted out of its body) and the gradient is still right.</summary>
    [TestMethod]
    public void ABodyConstantOfSeveralElements()
    {
        var t = new TensorType(DType.Float64, 2, 3);
        var (h, x, k, hk, pre, next) = (new Var(t), new Var(t), new Var(new TensorType(DType.Float64, 1, 3)), new Var(t), new Var(t), new Var(t));
        var body = new Program([h, x], [], [new ProgramConstant(k, NDArray.From([0.5, -1.0, 2.0], 1, 3))],
            [new Eqn(Primitive.Mul, [h, k], EqnParams.None, [hk], ""), new Eqn(Primitive.Add, [hk, x], EqnParams.None, [pre], ""),
             new Eqn(Primitive.Tanh, [pre], EqnParams.None, [next], "")],
            [new("h", next), new("y", next)]);
        var rng = new System.Random(5);
        GradCheck.Check(rng, (b, vars) =>
        {
            var outs = b.EmitAll(Primitive.Scan, new ScanParams(body, 0, 1, 4, false), vars[0], vars[1]);
            return b.Add(b.ReduceSum(outs[0], [0, 1]), b.ReduceSum(outs[1], [0, 1, 2]));
        }, [new(GradCheck.Uniform(rng, [2, 3])), new(GradCheck.Uniform(rng, [4, 2, 3]))]);
    }

    [TestMethod]
    [DataRow(false, 0)]
    [DataRow(false, 1)]
    [DataRow(false, 2)]
    [DataRow(true, 2)]
    [DataRow(true, 3)]
    [DataRow(true, 4)]
    public void OneOutput(bool reverse, int output) => Check(reverse, output);
}
