using static Flax.Tests.Autodiff.GradCheck;

namespace Flax.Tests.Ir;

/// <summary>Broadcast folding: explicit broadcasts read only by element-wise equations become size-1 reshapes, the
/// results stay equal, and gradients through folded broadcasts match finite differences in float64.</summary>
[TestClass]
public sealed class BroadcastFoldingTests
{
    private static TensorType F32(params int[] shape) => new(DType.Float32, shape);

    private static Eqn Broadcast(Var operand, Var output, int[] dimensions) =>
        new(Primitive.BroadcastInDim, [operand], new BroadcastInDimParams([.. output.Type.Dims], [.. dimensions]), [output], "");

    private static Eqn Binary(Primitive primitive, Var x, Var y, Var output) => new(primitive, [x, y], EqnParams.None, [output], "");

    [TestMethod]
    public void BroadcastReadByElementwiseEquationsBecomesAReshape()
    {
        var (x, u) = (new Var(F32(2, 3, 4)), new Var(F32(4)));
        var (full, sum, product) = (new Var(F32(2, 3, 4)), new Var(F32(2, 3, 4)), new Var(F32(2, 3, 4)));
        var program = new Program([x, u], [], [], [
            Broadcast(u, full, [2]),
            Binary(Primitive.Add, x, full, sum),
            Binary(Primitive.Mul, full, sum, product),
        ], [new ProgramOutput("output_0", product)]);

        var folded = ProgramChecker.Check(BroadcastFolding.Fold(program));

        Assert.AreEqual("reshape, add, mul", string.Join(", ", folded.Eqns.Select(e => e.Primitive.Name())));
        Assert.AreEqual("f32[1,1,4]", folded.Eqns[0].Outputs[0].Type.ToString());
        var inputs = new[] { NDArray.From(Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray(), 2, 3, 4), NDArray.From([1f, -2, 3, 0.25f], 4) };
        CollectionAssert.AreEqual(Evaluator.Run(program, inputs, new Dictionary<string, NDArray>())[0].ToArray<float>(),
            Evaluator.Run(folded, inputs, new Dictionary<string, NDArray>())[0].ToArray<float>());
    }

    [TestMethod]
    public void BroadcastIsKeptWhereAReaderNeedsItsFullShape()
    {
        var (x, u) = (new Var(F32(2, 3)), new Var(F32(3)));
        var (full, exp, sum, twice) = (new Var(F32(2, 3)), new Var(F32(2, 3)), new Var(F32(2, 3)), new Var(F32(2, 3)));
        var unary = new Program([u], [], [], [Broadcast(u, full, [1]), new Eqn(Primitive.Exp, [full], EqnParams.None, [exp], "")],
            [new ProgramOutput("output_0", exp)]);
        var output = new Program([x, u], [], [], [Broadcast(u, full, [1]), Binary(Primitive.Add, x, full, sum)],
            [new ProgramOutput("output_0", sum), new ProgramOutput("full", full)]);
        var alone = new Program([u], [], [], [Broadcast(u, full, [1]), Binary(Primitive.Add, full, full, twice)],
            [new ProgramOutput("output_0", twice)]);

        Assert.AreSame(unary, BroadcastFolding.Fold(unary));
        Assert.AreSame(output, BroadcastFolding.Fold(output));
        var sunk = ProgramChecker.Check(DeadCode.Eliminate(BroadcastFolding.Fold(alone)));
        Assert.AreEqual("add, broadcast_in_dim", string.Join(", ", sunk.Eqns.Select(e => e.Primitive.Name())), "the sum of one broadcast runs before it");
        Assert.AreEqual("f32[3]", sunk.Eqns[0].Outputs[0].Type.ToString());
        var u3 = NDArray.From([1f, -2, 0.5f], 3);
        CollectionAssert.AreEqual(Evaluator.Run(alone, [u3], new Dictionary<string, NDArray>())[0].ToArray<float>(),
            Evaluator.Run(sunk, [u3], new Dictionary<string, NDArray>())[0].ToArray<float>());
    }

    [TestMethod]
    public void ElementwiseOfDifferentBroadcastsRunsAtFullSize()
    {
        var (u, w) = (new Var(F32(3)), new Var(F32(2)));
        var (wide, tall, sum, exp) = (new Var(F32(2, 3)), new Var(F32(2, 3)), new Var(F32(2, 3)), new Var(F32(2, 3)));
        var mixed = new Program([u, w], [], [], [Broadcast(u, wide, [1]), Broadcast(w, tall, [0]), Binary(Primitive.Add, wide, tall, sum),
            new Eqn(Primitive.Exp, [sum], EqnParams.None, [exp], "")], [new ProgramOutput("output_0", exp)]);

        var folded = ProgramChecker.Check(BroadcastFolding.Fold(mixed));

        Assert.AreEqual("f32[2,3]", folded.Eqns.Single(e => e.Primitive == Primitive.Add).Outputs[0].Type.ToString(), folded.ToString());
    }

    /// <summary>
    /// Batch normalization written as <c>Nn.BatchNorm</c> computes it (sums of x and x*x, then one affine map per
    /// feature), in float64 with a dynamic batch: the gradients of x, scale and bias, whose reductions' cotangents are
    /// folded broadcasts, match central finite differences.
    /// </summary>
    [TestMethod]
    public void BatchNormGradientsThroughFoldedBroadcastsMatchFiniteDifferences()
    {
        var rng = new System.Random(13);
        static Var Norm(GradBuilder b, Var[] v)
        {
            var (x, scale, bias) = (v[0], v[1], v[2]);
            const int count = 4 * 3;
            int[] keep = [1, 1, 2];
            var mean = b.Reshape(b.Div(b.ReduceSum(x, [0, 1]), b.Scalar(count, DType.Float64, 1)), keep);
            var meanOfSquares = b.Reshape(b.Div(b.ReduceSum(b.Mul(x, x), [0, 1]), b.Scalar(count, DType.Float64, 1)), keep);
            var variance = b.Sub(meanOfSquares, b.Mul(mean, mean));
            var mul = b.Mul(b.Emit(Primitive.Rsqrt, EqnParams.None, b.Add(variance, b.Scalar(1e-5, variance))), b.Reshape(scale, keep));
            var offset = b.Sub(b.Reshape(bias, keep), b.Mul(mean, mul));
            return b.Add(b.Mul(x, mul), offset);
        }
        var program = CommonSubexpressions.Simplify(Flax.Autodiff.ValueAndGrad(BuildForInspection(Norm), "loss", [], [0, 1, 2]));
        // Only the loss's seed (a 0-d one read by a reduction) is still broadcast; the per-feature cotangents are folded.
        Assert.IsFalse(program.Eqns.Any(e => e.Primitive == Primitive.BroadcastInDim && e.Inputs[0].Type.Rank > 0), program.ToString());
        // x's cotangent is ct * mul + x * (c + c) + d: the square's two equal shares are one product, doubled per feature.
        Assert.AreEqual(3, program.Eqns.Count(e => e.Primitive == Primitive.Add && e.Outputs[0].Type.IsDynamic), program.ToString());

        Check(rng, Norm, [new(Uniform(rng, [4, 3, 2], -2, 3), Batch: true), new(AwayFromZero(rng, [2])), new(Uniform(rng, [2]))]);
    }

    /// <summary>The loss program <c>GradCheck</c> differentiates, for a look at its gradient.</summary>
    private static Program BuildForInspection(Func<GradBuilder, Var[], Var> body)
    {
        var inputs = new[] { new Var(new TensorType(DType.Float64, -1, 3, 2)), new Var(new TensorType(DType.Float64, 2)), new Var(new TensorType(DType.Float64, 2)) };
        var b = new GradBuilder();
        var result = body(b, inputs);
        var loss = b.ReduceSum(result, Enumerable.Range(0, result.Type.Rank));
        return new Program([.. inputs], [], [.. b.Constants], [.. b.Eqns], [new ProgramOutput("loss", loss)]);
    }
}
