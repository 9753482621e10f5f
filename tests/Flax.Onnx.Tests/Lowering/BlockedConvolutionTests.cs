using System.Runtime.Intrinsics.X86;
using Flax.Lowering.Proto;
using Flax.Tests.Autodiff;

namespace Flax.Tests.Lowering;

/// <summary>
/// Convolutions lowered to ONNX Runtime's blocked CPU convolutions (<see cref="NchwcBlock"/>, the form of the models
/// that only this process runs on the CPU: traced Apply and train steps). The program
/// <c>(x, r) -> sum(conv(x, kernel) * r)</c> and its gradients with respect to the kernel and x are lowered in float32
/// with the machine's block, run on ONNX Runtime, and compared with the reference evaluator on the same program in
/// float64, within <c>1e-4 + 1e-4 * |expected|</c> (float32 sums of at most a few hundred products of values in
/// [-1, 1)). Channel counts are whole blocks of this machine, so the cases take the blocked path wherever it has one
/// (inconclusive where ONNX Runtime has no blocked convolutions).
/// </summary>
[TestClass]
public sealed class BlockedConvolutionTests
{
    private const string KernelPath = ConvLoss.KernelPath;

    private static int Block => NchwcBlock.Size is > 0 and var block ? block
        : throw new AssertInconclusiveException("ONNX Runtime has no blocked (NCHWc) convolutions on this machine.");

    private static Program Gradients(DType dtype, ConvParams p, int[] xShape, int[] wShape) =>
        Flax.Autodiff.ValueAndGrad(ConvLoss.Program(dtype, p, xShape, wShape), "loss", [KernelPath], [0]);

    /// <summary>Lowers the gradients with the machine's block (or <paramref name="block"/>), checks the loss and both
    /// gradients against the evaluator, and returns the lowered graph.</summary>
    private static GraphProto AssertMatchesEvaluator(ConvParams p, int[] xShape, int[] wShape, int? block = null)
    {
        var rng = new System.Random(xShape.Sum() + wShape.Sum());
        var x = GradCheck.Uniform(rng, xShape);
        var reference = Gradients(DType.Float64, p, xShape, wShape);
        var weights = GradCheck.Uniform(rng, [xShape[0], .. reference.Inputs[1].Type.Dims[1..]]);
        var kernel = GradCheck.Uniform(rng, wShape);
        var expected = Evaluator.Run(reference, [x, weights], new Dictionary<string, NDArray> { [KernelPath] = kernel });

        var grads = Gradients(DType.Float32, p, xShape, wShape);
        var model = Lowerer.Lower(grads, ["x", "weights"], nchwcBlock: block ?? Block);
        using var session = new OnnxSession(model.ToBytes(), [.. model.InputNames, .. model.ParameterNames], model.OutputNames, Device.Cpu);
        var actual = session.Run([Single(x), Single(weights), Single(kernel)]);
        string[] names = ["loss", "kernel gradient", "input gradient"];
        for (int k = 0; k < names.Length; k++)
        {
            var (want, got) = (expected[k].ToArray<double>(), actual[k].ToArray<float>());
            Assert.HasCount(want.Length, got, names[k]);
            for (int i = 0; i < want.Length; i++)
                Assert.AreEqual(want[i], got[i], 1e-4 + 1e-4 * Math.Abs(want[i]), $"{names[k]}, element {i}");
        }
        return ModelProto.Parser.ParseFrom(model.ToBytes()).Graph;
    }

    private static NDArray Single(NDArray values) => NDArray.From(values.ToArray<double>().Select(v => (float)v).ToArray(), values.Shape);

    private static ConvParams Params(int[] strides, (int, int)[] padding, int dilation = 1) =>
        new([.. strides], [.. padding], [1, 1], [dilation, dilation], 1);

    private static int Count(GraphProto graph, string domain, string op) => graph.Node.Count(n => n.Domain == domain && n.OpType == op);

    private static string Ops(GraphProto graph) => string.Join(", ", graph.Node.Select(n => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}.{n.OpType}"));

    [TestMethod]
    public void BlockIsWholeVectorsOfThisMachine()
    {
        int block = NchwcBlock.Size;
        CollectionAssert.Contains(new[] { 0, 8, 16 }, block);
        if (Avx2.IsSupported) Assert.IsGreaterThan(0, block, "x64 with AVX2 has ONNX Runtime's NCHWc kernels");
        if (!Avx512F.IsSupported) Assert.AreNotEqual(16, block, "16 takes AVX-512");
    }

    /// <summary>Stride 1 with whole blocks of channels: the forward convolution and the input gradient (the flipped kernel
    /// with channels exchanged, padded k - 1 - p) are both blocked convolutions, and no standard Conv, ConvTranspose or
    /// Transpose of an activation is left.</summary>
    [TestMethod]
    [DataRow("3x3 SAME", 3, 3, 1, 1, 1, 1)]
    [DataRow("2x3 VALID", 2, 3, 0, 0, 0, 0)]
    [DataRow("3x3, asymmetric padding", 3, 3, 2, 0, 0, 1)]
    [DataRow("1x1", 1, 1, 0, 0, 0, 0)]
    public void ForwardAndInputGradientAreBlocked(string name, int kh, int kw, int top, int bottom, int left, int right)
    {
        int b = Block;
        var graph = AssertMatchesEvaluator(Params([1, 1], [(top, bottom), (left, right)]), [2, 6, 7, b], [kh, kw, b, 2 * b]);
        Assert.AreEqual(2, Count(graph, NchwcBlock.Domain, "Conv"), $"{name}: {Ops(graph)}");
        Assert.AreEqual(2, Count(graph, NchwcBlock.Domain, "ReorderInput"), Ops(graph));
        Assert.AreEqual(2, Count(graph, NchwcBlock.Domain, "ReorderOutput"), Ops(graph));
        Assert.AreEqual(0, Count(graph, "", "Conv") + Count(graph, "", "ConvTranspose"), Ops(graph));
    }

    /// <summary>Fewer input channels than a block, in a window of at most 32 values (an image's first convolution): the
    /// forward convolution is one Gemm over the patches, written channels-last (no Conv, no reorder); the input gradient,
    /// whose outputs are not whole blocks, stays a standard ConvTranspose.</summary>
    [TestMethod]
    [DataRow("1 channel, 3x3 SAME", 1, 1, 1, 1)]
    [DataRow("3 channels, 3x3 SAME", 3, 1, 1, 1)]
    [DataRow("2 channels, stride 2, dilation 2, asymmetric padding", 2, 2, 2, 2)]
    public void FewInputChannelsAreOneGemmOverThePatches(string name, int channels, int stride, int dilation, int low)
    {
        int b = Block;
        var graph = AssertMatchesEvaluator(Params([stride, stride], [(low, 1), (0, low)], dilation), [2, 7, 6, channels], [3, 3, channels, b]);
        Assert.AreEqual(0, Count(graph, NchwcBlock.Domain, "Conv") + Count(graph, "", "Conv"), $"{name}: {Ops(graph)}");
        Assert.AreEqual(0, Count(graph, NchwcBlock.Domain, "ReorderOutput"), Ops(graph));
        Assert.AreEqual(1, Count(graph, "", "Gemm"), Ops(graph));
        Assert.AreEqual(1, Count(graph, "", "ConvTranspose"), Ops(graph));
    }

    /// <summary>Fewer input channels than a block in a window of more than 32 values (3 channels, 5x5): the forward
    /// convolution is blocked with its input left NCHW (no ReorderInput).</summary>
    [TestMethod]
    public void FewInputChannelsInALargeWindowKeepTheInputUnblocked()
    {
        int b = Block;
        var graph = AssertMatchesEvaluator(Params([1, 1], [(2, 2), (2, 2)]), [2, 6, 6, 3], [5, 5, 3, b]);
        Assert.AreEqual(1, Count(graph, NchwcBlock.Domain, "Conv"), Ops(graph));
        Assert.AreEqual(0, Count(graph, NchwcBlock.Domain, "ReorderInput"), Ops(graph));
    }

    /// <summary>A strided or dilated forward convolution is blocked; its input gradient (strided, or dilated) has no
    /// blocked form and stays a standard ConvTranspose.</summary>
    [TestMethod]
    [DataRow("stride 2 SAME", 2, 0, 1, 1)]
    [DataRow("kernel dilation 2", 1, 2, 2, 2)]
    public void StridedOrDilatedInputGradientStaysConvTranspose(string name, int stride, int low, int high, int dilation)
    {
        int b = Block;
        var graph = AssertMatchesEvaluator(Params([stride, stride], [(low, high), (low, high)], dilation), [2, 8, 8, b], [3, 3, b, b]);
        Assert.AreEqual(1, Count(graph, NchwcBlock.Domain, "Conv"), $"{name}: {Ops(graph)}");
        Assert.AreEqual(1, Count(graph, "", "ConvTranspose"), Ops(graph));
    }

    /// <summary>Channels that are neither whole blocks nor fewer than one keep the standard lowering, and the model
    /// imports no blocked operator set.</summary>
    [TestMethod]
    public void OtherChannelCountsStayStandard()
    {
        int b = Block;
        var graph = AssertMatchesEvaluator(Params([1, 1], [(1, 1), (1, 1)]), [2, 5, 5, b + 4], [3, 3, b + 4, b]);
        Assert.AreEqual(0, graph.Node.Count(n => n.Domain == NchwcBlock.Domain), Ops(graph));
        Assert.AreEqual(1, Count(graph, "", "Conv"), Ops(graph));
    }

    /// <summary>An empty batch gives empty results of the right shapes through the blocked operators, and through the
    /// patches of a convolution with one input channel.</summary>
    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    public void EmptyBatch(int inputChannels)
    {
        int b = Block, c = inputChannels > 0 ? inputChannels : b;
        var grads = Gradients(DType.Float32, Params([1, 1], [(1, 1), (1, 1)]), [0, 5, 5, c], [3, 3, c, b]);
        var model = Lowerer.Lower(grads, ["x", "weights"], nchwcBlock: b);
        using var session = new OnnxSession(model.ToBytes(), [.. model.InputNames, .. model.ParameterNames], model.OutputNames, Device.Cpu);
        var results = session.Run([NDArray.Zeros(DType.Float32, 0, 5, 5, c), NDArray.Zeros(DType.Float32, 0, 5, 5, b), NDArray.Ones(DType.Float32, 3, 3, c, b)]);
        Assert.AreEqual(0f, results[0].Item<float>());
        CollectionAssert.AreEqual(new float[3 * 3 * c * b], results[1].ToArray<float>());
        CollectionAssert.AreEqual(new[] { 0, 5, 5, c }, results[2].Shape.ToArray());
    }

    /// <summary>A kernel larger than its input gives an empty output, as in JAX (ONNX Runtime's Conv rejects it), in the
    /// blocked and the standard lowering: the loss is 0 and both gradients are zeros, as the evaluator's (the kernel
    /// gradient contracts over an empty axis, whose Reshape needs <c>allowzero</c>).</summary>
    [TestMethod]
    public void KernelLargerThanTheInputGivesAnEmptyOutput()
    {
        int b = Block;
        foreach (int block in new[] { b, 0 })
            AssertMatchesEvaluator(Params([1, 1], [(0, 0), (0, 0)]), [2, 2, 2, b], [3, 3, b, b], block);
    }

    /// <summary>Models that leave the process are standard ONNX: <c>Core.Export</c> of a convolution with whole blocks of
    /// channels has no node of the blocked domain and imports only the default operator set.</summary>
    [TestMethod]
    public void ExportsUseStandardConvolutions()
    {
        int b = Block;
        Tensor Model(Scope scope, Tensor x) => Flax.Nn.Conv(scope.Push("Conv_0"), x, 2 * b, kernelSize: [3, 3]);
        var spec = new TensorSpec(DType.Float32, [-1, 6, 6, b]);
        var (_, variables) = Core.Init(Model)(PrngKey.Create(0), NDArray.Zeros(DType.Float32, 1, 6, 6, b));
        using var stream = new MemoryStream();
        Core.Export(Model, variables, stream, [spec]);
        var model = ModelProto.Parser.ParseFrom(stream.ToArray());
        Assert.AreEqual(0, model.Graph.Node.Count(n => n.Domain.Length > 0), Ops(model.Graph));
        CollectionAssert.AreEqual(new[] { "" }, model.OpsetImport.Select(o => o.Domain).ToArray());
    }
}
