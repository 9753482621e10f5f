using Flax.Lowering.Proto;

namespace Flax.Tests.Ir;

/// <summary>Dead-code and common-subexpression elimination, and what they remove from lowered graphs.</summary>
[TestClass]
public sealed class SimplifyTests
{
    private static TensorType F32(params int[] shape) => new(DType.Float32, shape);

    private static Eqn Unary(Primitive primitive, Var input, Var output, EqnParams? parameters = null) =>
        new(primitive, [input], parameters ?? EqnParams.None, [output], "");

    [TestMethod]
    public void DeadEquationsAreDropped()
    {
        var (x, used, unused, y) = (new Var(F32(2)), new Var(F32(2)), new Var(F32(2)), new Var(F32(2)));
        var program = new Program([x], [], [], [Unary(Primitive.Exp, x, used), Unary(Primitive.Log, x, unused), Unary(Primitive.Neg, used, y)],
            [new ProgramOutput("output_0", y)]);
        var simplified = DeadCode.Eliminate(program);
        CollectionAssert.AreEqual(new[] { Primitive.Exp, Primitive.Neg }, simplified.Eqns.Select(e => e.Primitive).ToArray());
        CollectionAssert.AreEqual(program.Inputs.ToArray(), simplified.Inputs.ToArray());
        Assert.AreSame(simplified, DeadCode.Eliminate(simplified));
    }

    [TestMethod]
    public void RepeatedEquationsAreComputedOnce()
    {
        // Two transposes with equal permutations held in different arrays, then one with another permutation.
        var x = new Var(F32(2, 3));
        var (a, b, c) = (new Var(F32(3, 2)), new Var(F32(3, 2)), new Var(F32(2, 3)));
        var (sum, z) = (new Var(F32(3, 2)), new Var(F32(2, 3)));
        var program = new Program([x], [], [], [
            Unary(Primitive.Transpose, x, a, new TransposeParams([1, 0])),
            Unary(Primitive.Transpose, x, b, new TransposeParams([1, 0])),
            new Eqn(Primitive.Add, [a, b], EqnParams.None, [sum], ""),
            Unary(Primitive.Transpose, sum, c, new TransposeParams([1, 0])),
            Unary(Primitive.Exp, c, z),
        ], [new ProgramOutput("output_0", z), new ProgramOutput("cache/b", b)]);
        var simplified = CommonSubexpressions.Eliminate(program);
        Assert.HasCount(4, simplified.Eqns);
        Assert.AreSame(a, simplified.Eqns[1].Inputs[0]);
        Assert.AreSame(a, simplified.Eqns[1].Inputs[1]);
        Assert.AreSame(a, simplified.Outputs[1].Var);
        ProgramChecker.Check(simplified);
        var input = NDArray.From([1f, 2, 3, 4, 5, 6], 2, 3);
        var expected = Evaluator.Run(program, [input], new Dictionary<string, NDArray>());
        var actual = Evaluator.Run(simplified, [input], new Dictionary<string, NDArray>());
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i].ToArray<float>(), actual[i].ToArray<float>());
    }

    /// <summary>Params compare by their printed form, in which negative paddings print as numbers: two convolutions of
    /// the same operands padded by -1 and -2 stay two (they printed alike, as <c>None</c>, and were merged).</summary>
    [TestMethod]
    public void ConvolutionsWithOtherNegativePaddingsAreNotMerged()
    {
        var (x, w) = (new Var(F32(1, 6, 1)), new Var(F32(2, 1, 1)));
        var (narrow, narrower) = (new Var(F32(1, 4, 1)), new Var(F32(1, 3, 1)));
        var program = new Program([x, w], [], [], [
            new Eqn(Primitive.ConvGeneralDilated, [x, w], new ConvParams([1], [(-1, 0)], [1], [1], 1), [narrow], ""),
            new Eqn(Primitive.ConvGeneralDilated, [x, w], new ConvParams([1], [(-2, 0)], [1], [1], 1), [narrower], ""),
        ], [new ProgramOutput("output_0", narrow), new ProgramOutput("output_1", narrower)]);
        Assert.AreEqual("[feature_group_count=1 lhs_dilation=(1,) padding=((-2, 0),) rhs_dilation=(1,) window_strides=(1,)]", program.Eqns[1].Params.ToString());
        var simplified = ProgramChecker.Check(CommonSubexpressions.Eliminate(program));
        Assert.HasCount(2, simplified.Eqns);
    }

    [TestMethod]
    public void DifferentParamsAndConstantsAreNotMerged()
    {
        var x = new Var(F32(2));
        var (p, q) = (new Var(F32(3)), new Var(F32(3)));
        var (k1, k2) = (new Var(F32(2)), new Var(F32(2)));
        var (s1, s2) = (new Var(F32(2)), new Var(F32(2)));
        var program = new Program([x], [], [new ProgramConstant(k1, NDArray.Ones(DType.Float32, 2)), new ProgramConstant(k2, NDArray.Ones(DType.Float32, 2))], [
            Unary(Primitive.Pad, x, p, new PadParams([0], [1], 0.0)),
            Unary(Primitive.Pad, x, q, new PadParams([0], [1], 0.1)),
            new Eqn(Primitive.Add, [x, k1], EqnParams.None, [s1], ""),
            new Eqn(Primitive.Add, [x, k2], EqnParams.None, [s2], ""),
        ], [new ProgramOutput("p", p), new ProgramOutput("q", q), new ProgramOutput("s1", s1), new ProgramOutput("s2", s2)]);
        Assert.AreSame(program, CommonSubexpressions.Eliminate(program));
    }

    /// <summary>A batch norm that normalizes with its running averages computes no batch statistics in its graph.</summary>
    [TestMethod]
    public void RunningAverageBatchNormGraphHasNoReductions()
    {
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.BatchNorm(scope, x, useRunningAverage: true);
        var spec = new TensorSpec(DType.Float32, -1, 4, 4, 3);
        var (_, variables) = Core.Init((Scope s, Tensor x) => Model(s, x), device: Device.Cpu)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 2, 4, 4, 3));
        using var stream = new MemoryStream();
        Core.Export(Model, variables, stream, [spec]);
        var ops = ModelProto.Parser.ParseFrom(stream.ToArray()).Graph.Node.Select(n => n.OpType).ToArray();
        Assert.IsFalse(ops.Any(op => op.StartsWith("Reduce", StringComparison.Ordinal)), string.Join(", ", ops));
        Assert.IsNotEmpty(ops);
    }
}
