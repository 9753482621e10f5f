using static Flax.Tests.Autodiff.GradCheck;

namespace Flax.Tests.Autodiff;

/// <summary>Finite-difference checks of <c>dot_general</c>, the reductions and <c>conv_general_dilated</c>.</summary>
[TestClass]
public sealed class ContractionVjpTests
{
    /// <summary>Axis letters of lhs and rhs with the dimension numbers, einsum-like; sizes are drawn per letter.</summary>
    [TestMethod]
    [DataRow("ik", "kj", new[] { 1 }, new[] { 0 }, new int[0], new int[0])]
    [DataRow("k", "k", new[] { 0 }, new[] { 0 }, new int[0], new int[0])]
    [DataRow("i", "j", new int[0], new int[0], new int[0], new int[0])]
    [DataRow("bik", "bkj", new[] { 2 }, new[] { 1 }, new[] { 0 }, new[] { 0 })]
    [DataRow("ibk", "kjb", new[] { 2 }, new[] { 0 }, new[] { 1 }, new[] { 2 })]
    [DataRow("iab", "ba", new[] { 1, 2 }, new[] { 1, 0 }, new int[0], new int[0])]
    [DataRow("abik", "bakj", new[] { 3 }, new[] { 2 }, new[] { 1, 0 }, new[] { 0, 1 })]
    public void DotGeneral(string lhs, string rhs, int[] lhsContracting, int[] rhsContracting, int[] lhsBatch, int[] rhsBatch)
    {
        var dims = new DotGeneralParams([.. lhsContracting], [.. rhsContracting], [.. lhsBatch], [.. rhsBatch]);
        for (int seed = 0; seed < 3; seed++)
        {
            var rng = new System.Random(seed);
            var sizes = "abijk".ToDictionary(c => c, _ => rng.Next(1, 4));
            var x = Uniform(rng, [.. lhs.Select(c => sizes[c])]);
            var y = Uniform(rng, [.. rhs.Select(c => sizes[c])]);
            Check(rng, (b, v) => b.Emit(Primitive.DotGeneral, dims, v[0], v[1]), [new(x), new(y)]);
        }
    }

    [TestMethod]
    public void DotGeneralWithDynamicBatch()
    {
        var rng = new System.Random(4);
        var dims = new DotGeneralParams([1], [0], [], []);
        Check(rng, (b, v) => b.Emit(Primitive.DotGeneral, dims, v[0], v[1]), [new(Uniform(rng, [3, 4]), Batch: true), new(Uniform(rng, [4, 2]))]);
    }

    [TestMethod]
    [DataRow(Primitive.ReduceSum)]
    [DataRow(Primitive.ReduceMax)]
    [DataRow(Primitive.ReduceMin)]
    public void Reduce(Primitive primitive)
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var rng = new System.Random(seed);
            var x = Uniform(rng, Shape(rng, 3));
            int[] axes = [.. Enumerable.Range(0, 3).Where(_ => rng.Next(2) == 0)];
            Check(rng, (b, v) => b.Emit(primitive, new ReduceParams([.. axes]), v[0]), [new(x, Batch: !axes.Contains(0))]);
        }
    }

    [TestMethod]
    public void ReduceMaxSharesTiesEvenly()
    {
        var grads = ElementwiseVjpTests.ScalarGrads((b, v) => b.Emit(Primitive.ReduceMax, new ReduceParams([0]), v[0]), NDArray.From([1.0, 3, 3], 3));
        CollectionAssert.AreEqual(new[] { 0, 0.5, 0.5 }, grads[0].ToArray<double>());
    }

    /// <summary>Random 1-d and 2-d convolutions: strides, padding (including negative), input and kernel dilation,
    /// feature groups.</summary>
    [TestMethod]
    public void ConvGeneralDilated()
    {
        int checkedCount = 0;
        for (int seed = 0; checkedCount < 12; seed++)
        {
            var rng = new System.Random(seed);
            int n = rng.Next(1, 3), groups = rng.Next(1, 3);
            var spatial = Shape(rng, n, 5).Select(d => d + 1).ToArray();
            var window = Shape(rng, n, 3);
            var p = new ConvParams(
                [.. Shape(rng, n, 2)], [.. Enumerable.Range(0, n).Select(_ => (rng.Next(-1, 3), rng.Next(-1, 3)))],
                [.. Shape(rng, n, 2)], [.. Shape(rng, n, 2)], groups);
            var outSizes = Enumerable.Range(0, n).Select(i => ShapeInference.WindowCount(
                ShapeInference.Dilated(spatial[i], p.LhsDilation[i]) + p.Padding[i].Low + p.Padding[i].High,
                ShapeInference.Dilated(window[i], p.RhsDilation[i]), p.WindowStrides[i]));
            if (outSizes.Any(s => s < 1)) continue;
            int channelsPerGroup = rng.Next(1, 3), outPerGroup = rng.Next(1, 3);
            var x = Uniform(rng, [rng.Next(1, 3), .. spatial, channelsPerGroup * groups]);
            var w = Uniform(rng, [.. window, channelsPerGroup, outPerGroup * groups]);
            Check(rng, (b, v) => b.Emit(Primitive.ConvGeneralDilated, p, v[0], v[1]), [new(x, Batch: seed % 2 == 0), new(w)]);
            checkedCount++;
        }
    }

    [TestMethod]
    public void DepthwiseConvolution()
    {
        var rng = new System.Random(11);
        var p = new ConvParams([1, 1], [(1, 1), (1, 1)], [1, 1], [1, 1], 3);
        Check(rng, (b, v) => b.Emit(Primitive.ConvGeneralDilated, p, v[0], v[1]),
            [new(Uniform(rng, [2, 4, 4, 3]), Batch: true), new(Uniform(rng, [3, 3, 1, 3]))]);
    }

    /// <summary>
    /// A kernel gradient over many output positions per example (here 256, a 16x16 image) contracts in 4 chunks: the
    /// columns transposed chunk-major, one batched MatMul and a ReduceSum of the 4 partial products
    /// (<c>LoweringRules.ContractionChunks</c>); its values match the reference evaluator.
    /// </summary>
    [TestMethod]
    public void LongKernelGradientContractsInFourChunks()
    {
        var (grads, graph) = KernelGradient([-1, 16, 16, 2], new ConvParams([1, 1], [(1, 1), (1, 1)], [1, 1], [1, 1], 1));
        string ops = string.Join(", ", graph.Node.Select(n => n.OpType));
        Assert.AreEqual(1, graph.Node.Count(n => n.OpType == "MatMul"), ops);
        var sum = graph.Node.Single(n => n.OpType == "ReduceSum" && graph.Node.Any(m => m.OpType == "MatMul" && m.Output[0] == n.Input[0]));
        Assert.AreEqual(0L, sum.Attribute.Single(a => a.Name == "keepdims").I, ops);
        Assert.AreEqual(5, graph.Node.Count(n => n.OpType == "Transpose"), ops);
        AssertMatchesEvaluator(grads, new System.Random(7));
    }

    /// <summary>
    /// Without feature groups the kernel's cotangent transposes the input once to (C, N, H, W), concatenates the 9
    /// window positions' patches on the leading axis (contiguous copies) and contracts them with the cotangent in one
    /// MatMul: no Gemm reading an operand transposed, and one Transpose beyond the forward convolution's three (input,
    /// kernel, output); its values match the reference evaluator.
    /// </summary>
    [TestMethod]
    public void KernelGradientIsOneMatMulOverChannelsFirstColumns()
    {
        var (grads, graph) = KernelGradient([-1, 6, 6, 2], new ConvParams([2, 1], [(1, 1), (0, 2)], [1, 1], [1, 2], 1));
        string ops = string.Join(", ", graph.Node.Select(n => n.OpType));
        Assert.AreEqual(1, graph.Node.Count(n => n.OpType == "MatMul"), ops);
        Assert.AreEqual(0, graph.Node.Count(n => n.OpType == "Gemm"), ops);
        Assert.AreEqual(0L, graph.Node.Single(n => n.OpType == "Concat").Attribute.Single(a => a.Name == "axis").I, ops);
        Assert.AreEqual(4, graph.Node.Count(n => n.OpType == "Transpose"), ops);
        AssertMatchesEvaluator(grads, new System.Random(5));
    }

    /// <summary>The gradient of <c>sum(conv(x, kernel)^2)</c> with respect to a 3x3 kernel from 2 to 4 channels, and its
    /// lowered graph.</summary>
    private static (Program Grads, Flax.Lowering.Proto.GraphProto Graph) KernelGradient(int[] xDims, ConvParams p)
    {
        var x = new Var(new TensorType(DType.Float32, xDims));
        var kernel = new Var(new TensorType(DType.Float32, 3, 3, 2, 4));
        var b = new GradBuilder();
        var y = b.Emit(Primitive.ConvGeneralDilated, p, x, kernel);
        var loss = b.ReduceSum(b.Mul(y, y), [0, 1, 2, 3]);
        var program = new Program([x], [new ProgramParameter("params/Conv_0/kernel", kernel)], [.. b.Constants], [.. b.Eqns],
            [new ProgramOutput("loss", loss)]);
        var grads = Flax.Autodiff.ValueAndGrad(program, "loss", ["params/Conv_0/kernel"], []);
        return (grads, Flax.Lowering.Proto.ModelProto.Parser.ParseFrom(Lowerer.Lower(grads, ["x"]).ToBytes()).Graph);
    }

    /// <summary>The lowered gradient on ONNX Runtime matches the reference evaluator's (float32, atol 1e-5 + rtol 1e-4),
    /// with a batch of 3.</summary>
    private static void AssertMatchesEvaluator(Program grads, System.Random random)
    {
        var parameters = grads.Parameters.ToDictionary(p => p.Path, p => Flax.Tests.Lowering.ReferenceCheck.Draw(random, p.Var.Type, -0.5, 0.5));
        Flax.Tests.Lowering.ReferenceCheck.AssertMatches(grads, [Flax.Tests.Lowering.ReferenceCheck.Draw(random, grads.Inputs[0].Type, batch: 3)],
            atol: 1e-5, rtol: 1e-4, parameters: parameters);
    }

    /// <summary>With only the kernel differentiated, the input's cotangent (a second convolution) is not computed.</summary>
    [TestMethod]
    public void KernelGradientOnlyAddsNoConvolution()
    {
        var x = new Var(new TensorType(DType.Float32, -1, 6, 6, 2));
        var kernel = new Var(new TensorType(DType.Float32, 3, 3, 2, 4));
        var b = new GradBuilder();
        var y = b.Emit(Primitive.ConvGeneralDilated, new ConvParams([1, 1], [(1, 1), (1, 1)], [1, 1], [1, 1], 1), x, kernel);
        var loss = b.ReduceSum(y, [0, 1, 2, 3]);
        var program = new Program([x], [new ProgramParameter("params/Conv_0/kernel", kernel)], [.. b.Constants], [.. b.Eqns],
            [new ProgramOutput("loss", loss)]);
        var grads = Flax.Autodiff.ValueAndGrad(program, "loss", ["params/Conv_0/kernel"], []);
        Assert.AreEqual(1, grads.Eqns.Count(e => e.Primitive == Primitive.ConvGeneralDilated));
        Assert.AreEqual("grad/params/Conv_0/kernel", grads.Outputs[^1].Name);
    }
}
