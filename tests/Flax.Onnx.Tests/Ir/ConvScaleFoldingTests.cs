using Flax.Lowering.Proto;
using Flax.Tests.Lowering;

namespace Flax.Tests.Ir;

/// <summary>Folding of per-feature scales into the convolution before them (batch norm with running averages in
/// inference), and where it must not fold.</summary>
[TestClass]
public sealed class ConvScaleFoldingTests
{
    private static readonly ConvParams Same3x3 = new([1, 1], [(1, 1), (1, 1)], [1, 1], [1, 1], 1);

    /// <summary><c>conv(x, w) * s</c> with a parameter <c>s</c> of shape (1, 1, 1, O) and a dynamic batch.</summary>
    private static Program ScaledConv(Func<Tensor, Tensor, Tensor>? scaleOf = null, bool convIsOutput = false)
    {
        using var trace = new TraceContext();
        var x = trace.AddInput(new TensorSpec(DType.Float32, -1, 5, 5, 2));
        var kernel = trace.AddParameter("params/Conv_0/kernel", [3, 3, 2, 4], DType.Float32);
        var scale = trace.AddParameter("params/BatchNorm_0/scale", [4], DType.Float32);
        var y = Tensor.ConvGeneralDilated(x, kernel, [1, 1], Padding.Same);
        var s = scaleOf is null ? scale.Reshape(1, 1, 1, 4) : scaleOf(y, scale);
        trace.AddOutput("output_0", y * s + 0.5);
        if (convIsOutput) trace.AddOutput("conv", y);
        return trace.Finish();
    }

    [TestMethod]
    public void ScaleAfterAConvolutionMovesOntoItsKernel()
    {
        var program = ScaledConv();
        var folded = ProgramChecker.Check(ConvScaleFolding.Fold(program));

        var primitives = folded.Eqns.Select(e => e.Primitive.Name()).ToArray();
        Assert.AreEqual("reshape, mul, conv_general_dilated, add", string.Join(", ", primitives), folded.ToString());
        var mul = folded.Eqns[1];
        Assert.AreSame(program.Parameters[0].Var, mul.Inputs[0], "the kernel is scaled");
        Assert.AreSame(mul.Outputs[0], folded.Eqns[2].Inputs[1], "the convolution reads the scaled kernel");

        var random = new System.Random(5);
        var parameters = program.Parameters.ToDictionary(p => p.Path, p => ReferenceCheck.Draw(random, p.Var.Type));
        // The unfolded program on the reference evaluator against the folded graph on ONNX Runtime.
        ReferenceCheck.AssertMatches(program, [ReferenceCheck.Draw(random, program.Inputs[0].Type, batch: 3)], atol: 1e-5, rtol: 1e-5, parameters: parameters);
    }

    [TestMethod]
    public void ScaleThatDependsOnTheConvolutionDoesNotFold()
    {
        // A batch norm with batch statistics: the scale is computed from the convolution's output.
        var program = ScaledConv((y, scale) => (y * y).Mean([0, 1, 2], keepDims: true).Rsqrt() * scale.Reshape(1, 1, 1, 4));
        Assert.AreSame(program, ConvScaleFolding.Fold(program));
    }

    [TestMethod]
    public void ConvolutionReadElsewhereDoesNotFold()
    {
        var program = ScaledConv(convIsOutput: true);
        Assert.AreSame(program, ConvScaleFolding.Fold(program));
        var full = ScaledConv((y, scale) => y + scale.Reshape(1, 1, 1, 4));
        Assert.AreSame(full, ConvScaleFolding.Fold(full), "a full-size factor is not a per-feature scale");
    }

    /// <summary>A convolution and a batch norm with running averages export without a multiplication over the
    /// activations: the kernel is scaled, and the convolution's output goes to the offset's Add.</summary>
    [TestMethod]
    public void RunningAverageBatchNormFoldsIntoTheConvolution()
    {
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.BatchNorm(scope.Push("BatchNorm_0"),
            Flax.Nn.Conv(scope.Push("Conv_0"), x, 4, kernelSize: [3, 3], bias: false), useRunningAverage: true);
        var random = new System.Random(6);
        var input = ReferenceCheck.Draw(random, new TensorType(DType.Float32, 3, 5, 5, 2));
        var (_, variables) = Core.Init((Scope s, Tensor x) => Model(s, x), device: Device.Cpu)(PrngKey.Create(0), input);
        using var stream = new MemoryStream();
        Core.Export(Model, variables, stream, [new TensorSpec(DType.Float32, -1, 5, 5, 2)]);
        var graph = ModelProto.Parser.ParseFrom(stream.ToArray()).Graph;
        string ops = string.Join(", ", graph.Node.Select(n => n.OpType));
        Assert.IsTrue(graph.Node.Any(n => n.OpType == "Mul" && n.Input.Contains("params/Conv_0/kernel")), ops);
        var conv = graph.Node.Single(n => n.OpType == "Conv");
        var back = graph.Node.Single(n => n.Input.Contains(conv.Output[0]));
        Assert.AreEqual("Transpose", back.OpType, ops);
        Assert.AreEqual("Add", graph.Node.Single(n => n.Input.Contains(back.Output[0])).OpType, ops);
    }
}
