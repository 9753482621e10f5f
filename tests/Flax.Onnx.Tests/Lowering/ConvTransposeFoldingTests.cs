using System.Collections.Immutable;
using Flax.Lowering.Proto;
using Flax.Tests.Autodiff;

namespace Flax.Tests.Lowering;

/// <summary>
/// The input gradient of a convolution lowers to one ONNX <c>ConvTranspose</c> over the forward kernel
/// (<see cref="ConvTransposeFolding"/>) wherever that is exact, and stays a <c>Conv</c> of the flipped kernel elsewhere.
/// Gradients computed on ONNX Runtime (float32 inside, float64 at the boundary) match float64 central finite differences
/// of the reference evaluator within <c>1e-5 * (1 + |fd|)</c> (the loss is linear in the input, so the differences
/// are exact to rounding; the tolerance covers float32 accumulation over at most a few hundred products of values in
/// [-1, 1)). The pass itself is checked on the evaluator: the program before and after it gives the same gradient
/// within 1e-12. Every lowered gradient graph passes the ONNX checker.
/// </summary>
[TestClass]
public sealed class ConvTransposeFoldingTests
{
    private const string KernelPath = ConvLoss.KernelPath;

    private static ImmutableArray<int> A(params int[] values) => [.. values];

    private static ImmutableArray<(int, int)> P(params (int, int)[] values) => [.. values];

    private static int Count(GraphProto graph, string op) => graph.Node.Count(n => n.OpType == op);

    private static string Ops(GraphProto graph) => string.Join(", ", graph.Node.Select(n => n.OpType));

    /// <summary>
    /// The program <c>(x, r) -> sum(conv(x, kernel) * r)</c> with the kernel a parameter, and its value and gradient
    /// with respect to <c>x</c> (the batch axis dynamic).
    /// </summary>
    private static (Program Loss, Program Grads) InputGradient(ConvParams p, int[] xShape, int[] wShape)
    {
        var program = ConvLoss.Program(DType.Float64, p, xShape, wShape);
        return (program, Flax.Autodiff.ValueAndGrad(program, "loss", [], [0]));
    }

    /// <summary>
    /// Checks the input gradient of one convolution: the pass keeps the evaluator's values, and ONNX Runtime's gradient
    /// of the lowered program matches finite differences. Returns the lowered graph.
    /// </summary>
    private static GraphProto AssertInputGradient(ConvParams p, int[] xShape, int[] wShape, int seed = 0)
    {
        var (program, grads) = InputGradient(p, xShape, wShape);
        var rng = new System.Random(seed);
        var x = GradCheck.Uniform(rng, xShape);
        var weights = GradCheck.Uniform(rng, [xShape[0], .. program.Inputs[1].Type.Dims[1..]]);
        var parameters = new Dictionary<string, NDArray> { [KernelPath] = GradCheck.Uniform(rng, wShape) };

        var simplified = CommonSubexpressions.Simplify(grads);
        var folded = ProgramChecker.Check(ConvTransposeFolding.Fold(simplified));
        var before = Evaluator.Run(simplified, [x, weights], parameters)[1].ToArray<double>();
        var after = Evaluator.Run(folded, [x, weights], parameters)[1].ToArray<double>();
        for (int i = 0; i < before.Length; i++)
            Assert.AreEqual(before[i], after[i], 1e-12, $"element {i} before and after the pass\n{folded}");

        var model = Lowerer.Lower(grads, ["x", "weights"]);
        using var session = new OnnxSession(model.ToBytes(), [.. model.InputNames, .. model.ParameterNames], model.OutputNames, Device.Cpu);
        var grad = session.Run([x, weights, parameters[KernelPath]])[1].ToArray<double>();
        double Loss(double[] moved) => Evaluator.Run(program, [NDArray.From(moved, xShape), weights], parameters)[0].Item<double>();
        Flax.Tests.Lift.FiniteDifferences.AssertGradient(Loss, x.ToArray<double>(), grad, "ONNX Runtime: ", tolerance: 1e-5);
        AssertValid(model);
        return ModelProto.Parser.ParseFrom(model.ToBytes()).Graph;
    }

    /// <summary>Runs the ONNX checker on <paramref name="model"/> (saved to a temporary file).</summary>
    private static void AssertValid(OnnxModel model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"flax-convtranspose-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, model.ToBytes());
            OnnxChecker.AssertValid(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The ConvTranspose node's integer list attribute <paramref name="name"/>.</summary>
    private static long[] Attribute(GraphProto graph, string name) =>
        [.. graph.Node.Single(n => n.OpType == "ConvTranspose").Attribute.Single(a => a.Name == name).Ints];

    /// <summary>Cases ConvTranspose expresses: the gradient lowers to one ConvTranspose (and the forward Conv), with
    /// the given <c>output_padding</c>, and matches finite differences.</summary>
    [TestMethod]
    [DataRow("stride 1 SAME", new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 1, new[] { 2, 5, 5, 3 }, new[] { 3, 3, 3, 4 }, new long[] { 0, 0 })]
    [DataRow("stride 2 VALID, remainder", new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, 1, new[] { 2, 8, 7, 2 }, new[] { 3, 3, 2, 3 }, new long[] { 1, 0 })]
    [DataRow("stride 2 SAME", new[] { 2, 2 }, new[] { 0, 1, 0, 1 }, new[] { 1, 1 }, 1, new[] { 2, 6, 6, 2 }, new[] { 3, 3, 2, 3 }, new long[] { 0, 0 })]
    [DataRow("stride 2 SAME, 1x3 kernel, remainder", new[] { 2, 2 }, new[] { 0, 0, 1, 1 }, new[] { 1, 1 }, 1, new[] { 2, 6, 7, 2 }, new[] { 1, 3, 2, 3 }, new long[] { 1, 0 })]
    [DataRow("kernel dilation 2", new[] { 1, 1 }, new[] { 2, 2, 2, 2 }, new[] { 2, 2 }, 1, new[] { 2, 7, 7, 2 }, new[] { 3, 3, 2, 2 }, new long[] { 0, 0 })]
    [DataRow("feature groups 2", new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 2, new[] { 2, 5, 5, 4 }, new[] { 3, 3, 2, 6 }, new long[] { 0, 0 })]
    [DataRow("depthwise", new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 3, new[] { 2, 5, 5, 3 }, new[] { 3, 3, 1, 3 }, new long[] { 0, 0 })]
    [DataRow("non-square kernel, strided, dilated", new[] { 2, 1 }, new[] { 0, 1, 1, 2 }, new[] { 1, 2 }, 1, new[] { 2, 6, 8, 2 }, new[] { 2, 4, 2, 3 }, new long[] { 0, 0 })]
    [DataRow("padding beyond the kernel", new[] { 1, 1 }, new[] { 2, 2, 3, 0 }, new[] { 1, 1 }, 1, new[] { 2, 4, 4, 2 }, new[] { 2, 2, 2, 2 }, new long[] { 0, 0 })]
    [DataRow("negative high padding, stride 2", new[] { 2, 1 }, new[] { 1, -1, 1, 1 }, new[] { 1, 1 }, 1, new[] { 2, 7, 4, 2 }, new[] { 3, 3, 2, 3 }, new long[] { 1, 0 })]
    [DataRow("1-D, stride 2, remainder", new[] { 2 }, new[] { 1, 0 }, new[] { 1 }, 1, new[] { 2, 9, 3 }, new[] { 3, 3, 2 }, new long[] { 1 })]
    [DataRow("3-D", new[] { 1, 2, 1 }, new[] { 1, 0, 1, 1, 0, 1 }, new[] { 1, 1, 1 }, 1, new[] { 2, 4, 5, 3, 2 }, new[] { 2, 3, 2, 2, 3 }, new long[] { 0, 0, 0 })]
    public void InputGradientIsOneConvTranspose(string name, int[] strides, int[] padding, int[] rhsDilation, int groups, int[] xShape, int[] wShape, long[] outputPadding)
    {
        int n = strides.Length;
        var p = new ConvParams([.. strides], [.. Enumerable.Range(0, n).Select(i => (padding[2 * i], padding[2 * i + 1]))], [.. Enumerable.Repeat(1, n)], [.. rhsDilation], groups);
        var graph = AssertInputGradient(p, xShape, wShape, seed: name.Length);
        Assert.AreEqual(1, Count(graph, "ConvTranspose"), Ops(graph));
        Assert.AreEqual(1, Count(graph, "Conv"), Ops(graph));
        Assert.AreEqual(0, Count(graph, "Gather"), Ops(graph));
        CollectionAssert.AreEqual(outputPadding, Attribute(graph, "output_padding"), name);
        CollectionAssert.AreEqual(strides.Select(s => (long)s).ToArray(), Attribute(graph, "strides"), name);
    }

    /// <summary>Cases ConvTranspose cannot express keep the convolution of the flipped kernel, and still match finite
    /// differences: input dilation (the gradient is strided), negative low padding, and negative high padding at stride 1
    /// (output padding at least the stride).</summary>
    [TestMethod]
    [DataRow("input dilation", new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 2, 1 }, new[] { 2, 4, 4, 2 }, new[] { 3, 3, 2, 3 })]
    [DataRow("negative low padding", new[] { 1, 1 }, new[] { -1, 1, 1, 1 }, new[] { 1, 1 }, new[] { 2, 6, 6, 2 }, new[] { 3, 3, 2, 3 })]
    [DataRow("negative high padding", new[] { 1, 1 }, new[] { 1, 1, 1, -1 }, new[] { 1, 1 }, new[] { 2, 6, 6, 2 }, new[] { 3, 3, 2, 3 })]
    public void InexpressibleGradientStaysAConv(string name, int[] strides, int[] padding, int[] lhsDilation, int[] xShape, int[] wShape)
    {
        var p = new ConvParams([.. strides], [(padding[0], padding[1]), (padding[2], padding[3])], [.. lhsDilation], [1, 1], 1);
        var graph = AssertInputGradient(p, xShape, wShape, seed: name.Length);
        Assert.AreEqual(0, Count(graph, "ConvTranspose"), Ops(graph));
        Assert.AreEqual(2, Count(graph, "Conv"), Ops(graph));
    }

    /// <summary>A two-layer NHWC CNN (3x3 SAME convolutions, ReLU) trained on its kernels: the second convolution's input
    /// gradient, which the first kernel's gradient needs, is one ConvTranspose; the only Convs are the two forward ones
    /// and no reversal (Gather) or unused initializer is left. The graph passes the ONNX checker and computes the
    /// reference evaluator's loss and gradients (float32, atol 1e-5 + rtol 1e-4).</summary>
    [TestMethod]
    public void CnnInputGradientLowersToConvTranspose()
    {
        Program program;
        using (var trace = new TraceContext())
        {
            var x = trace.AddInput(new TensorSpec(DType.Float32, -1, 6, 6, 3));
            var k0 = trace.AddParameter("params/Conv_0/kernel", [3, 3, 3, 8], DType.Float32);
            var k1 = trace.AddParameter("params/Conv_1/kernel", [3, 3, 8, 4], DType.Float32);
            var h = Tensor.Maximum(Tensor.ConvGeneralDilated(x, k0, [1, 1], Padding.Same), 0);
            var y = Tensor.ConvGeneralDilated(h, k1, [1, 1], Padding.Same);
            trace.AddOutput("output_0", (y * y).Mean());
            program = trace.Finish();
        }
        var grads = Flax.Autodiff.ValueAndGrad(program, "output_0", ["params/Conv_0/kernel", "params/Conv_1/kernel"], []);
        var model = Lowerer.Lower(grads, ["x"]);
        var graph = ModelProto.Parser.ParseFrom(model.ToBytes()).Graph;
        Assert.AreEqual(1, Count(graph, "ConvTranspose"), Ops(graph));
        Assert.AreEqual(2, Count(graph, "Conv"), Ops(graph));
        Assert.AreEqual(0, Count(graph, "Gather"), Ops(graph));
        var read = graph.Node.SelectMany(node => node.Input).ToHashSet();
        CollectionAssert.AreEqual(Array.Empty<string>(), graph.Initializer.Select(i => i.Name).Where(name => !read.Contains(name)).ToArray());

        AssertValid(model);
        var random = new System.Random(7);
        var parameters = grads.Parameters.ToDictionary(p => p.Path, p => ReferenceCheck.Draw(random, p.Var.Type, -0.5, 0.5));
        ReferenceCheck.AssertMatches(grads, [ReferenceCheck.Draw(random, grads.Inputs[0].Type, batch: 4)], atol: 1e-5, rtol: 1e-4, parameters: parameters);
    }

    /// <summary>A model whose runs feed its constants (<see cref="ParameterForm.FedWithConstants"/>) may be run with other
    /// reversal indices than the trace's, so its convolutions are not rewritten.</summary>
    [TestMethod]
    public void FedConstantsAreNotMatched()
    {
        var (_, grads) = InputGradient(new ConvParams([1, 1], [(1, 1), (1, 1)], [1, 1], [1, 1], 1), [2, 5, 5, 3], [3, 3, 3, 4]);
        var graph = ModelProto.Parser.ParseFrom(Lowerer.Lower(grads, ["x", "weights"], ParameterForm.FedWithConstants).ToBytes()).Graph;
        Assert.AreEqual(0, Count(graph, "ConvTranspose"), Ops(graph));
        Assert.AreEqual(2, Count(graph, "Conv"), Ops(graph));
    }

    /// <summary>
    /// A user's own transposed convolution written like the gradient (channel exchange, then a take per spatial axis,
    /// then an input-dilated convolution): with descending indices it becomes a conv_transpose, with other indices it
    /// stays a convolution; either way ONNX Runtime and the evaluator agree (float32, atol 1e-5 + rtol 1e-4), and the
    /// pass keeps the evaluator's values.
    /// </summary>
    [TestMethod]
    [DataRow(new[] { 2, 1, 0 }, true)]
    [DataRow(new[] { 0, 2, 1 }, false)]
    [DataRow(new[] { -1, 1, 0 }, false)]
    public void UserFlippedKernel(int[] order, bool folds)
    {
        var ct = new Var(new TensorType(DType.Float32, -1, 4, 4, 4));
        var w = new Var(new TensorType(DType.Float32, 3, 3, 2, 4));
        var b = new GradBuilder();
        var split = b.Reshape(w, [3, 3, 2, 1, 4]);
        var kernel = b.Reshape(b.Transpose(split, [0, 1, 4, 3, 2]), [3, 3, 4, 2]);
        for (int axis = 0; axis < 2; axis++)
            kernel = b.Emit(Primitive.Take, new AxisParams(axis), kernel, b.Constant(NDArray.From(order, 3)));
        var y = b.Emit(Primitive.ConvGeneralDilated, new ConvParams([1, 1], [(1, 2), (2, 1)], [2, 2], [1, 1], 1), ct, kernel);
        var program = new Program([ct], [new ProgramParameter("params/w", w)], [.. b.Constants], [.. b.Eqns], [new ProgramOutput("output_0", y)]);

        var folded = ConvTransposeFolding.Fold(program);
        Assert.AreEqual(folds, folded.Eqns.Any(e => e.Primitive == Primitive.ConvTranspose), folded.ToString());
        Assert.AreEqual(folds ? 1 : program.Eqns.Length, folded.Eqns.Length, folded.ToString());
        Assert.AreEqual(folds ? 0 : 2, folded.Constants.Length, folded.ToString());
        var random = new System.Random(order[0] + 3);
        var input = ReferenceCheck.Draw(random, ct.Type, batch: 2);
        var parameters = new Dictionary<string, NDArray> { ["params/w"] = ReferenceCheck.Draw(random, w.Type) };
        var before = Evaluator.Run(program, [input], parameters)[0].ToArray<float>();
        var after = Evaluator.Run(folded, [input], parameters)[0].ToArray<float>();
        for (int i = 0; i < before.Length; i++) Assert.AreEqual(before[i], after[i], 1e-5, $"element {i}");
        ReferenceCheck.AssertMatches(program, [input], atol: 1e-5, rtol: 1e-4, parameters: parameters);
    }

    /// <summary>Descending indices that pick only part of an axis (the first 3 of a 5-wide kernel, reversed) are no
    /// reversal: the convolution stays, and computes the evaluator's values on ONNX Runtime.</summary>
    [TestMethod]
    public void PartialReversalIsNotMatched()
    {
        var ct = new Var(new TensorType(DType.Float32, -1, 4, 4, 4));
        var w = new Var(new TensorType(DType.Float32, 5, 3, 2, 4));
        var b = new GradBuilder();
        var kernel = b.Reshape(b.Transpose(b.Reshape(w, [5, 3, 2, 1, 4]), [0, 1, 4, 3, 2]), [5, 3, 4, 2]);
        for (int axis = 0; axis < 2; axis++)
            kernel = b.Emit(Primitive.Take, new AxisParams(axis), kernel, b.Constant(NDArray.From(new[] { 2, 1, 0 }, 3)));
        var y = b.Emit(Primitive.ConvGeneralDilated, new ConvParams([1, 1], [(1, 2), (2, 1)], [2, 2], [1, 1], 1), ct, kernel);
        var program = new Program([ct], [new ProgramParameter("params/w", w)], [.. b.Constants], [.. b.Eqns], [new ProgramOutput("output_0", y)]);
        Assert.AreSame(program, ConvTransposeFolding.Fold(program));
        var random = new System.Random(12);
        ReferenceCheck.AssertMatches(program, [ReferenceCheck.Draw(random, ct.Type, batch: 2)], atol: 1e-5, rtol: 1e-4,
            parameters: new Dictionary<string, NDArray> { ["params/w"] = ReferenceCheck.Draw(random, w.Type) });
    }

    /// <summary>
    /// Sub-programs fold too (<see cref="Lowerer.LowerClosed"/>): a scan body holding a flipped-kernel convolution with its
    /// reversal indices as body constants lowers to a <c>Scan</c> whose body has one ConvTranspose and no Conv, and the
    /// result matches the evaluator (float32, atol 1e-5 + rtol 1e-4). (Bodies the tracer or the scan VJP builds hoist
    /// such indices into const inputs, which the pass does not follow.)
    /// </summary>
    [TestMethod]
    public void ScanBodyFolds()
    {
        var (w, x) = (new Var(new TensorType(DType.Float32, 3, 3, 2, 4)), new Var(new TensorType(DType.Float32, 2, 4, 4, 4)));
        var b = new GradBuilder();
        var kernel = b.Reshape(b.Transpose(b.Reshape(w, [3, 3, 2, 1, 4]), [0, 1, 4, 3, 2]), [3, 3, 4, 2]);
        for (int axis = 0; axis < 2; axis++)
            kernel = b.Emit(Primitive.Take, new AxisParams(axis), kernel, b.Constant(NDArray.From(new[] { 2, 1, 0 }, 3)));
        var y = b.Emit(Primitive.ConvGeneralDilated, new ConvParams([1, 1], [(1, 2), (2, 1)], [2, 2], [1, 1], 1), x, kernel);
        var body = new Program([w, x], [], [.. b.Constants], [.. b.Eqns], [new ProgramOutput("y", y)]);
        var (outerW, xs) = (new Var(w.Type), new Var(new TensorType(DType.Float32, 3, 2, 4, 4, 4)));
        var ys = new Var(new TensorType(DType.Float32, (int[])[3, .. y.Type.Dims]));
        var program = ProgramChecker.Check(new Program([xs], [new ProgramParameter("params/w", outerW)], [],
            [new Eqn(Primitive.Scan, [outerW, xs], new ScanParams(body, 1, 0, 3, false), [ys], "/Scan_0")], [new ProgramOutput("output_0", ys)]));

        var graph = ModelProto.Parser.ParseFrom(Lowerer.Lower(program, ["input_0"]).ToBytes()).Graph;
        var scanBody = graph.Node.Single(n => n.OpType == "Scan").Attribute.Single(a => a.Name == "body").G;
        Assert.AreEqual(1, Count(scanBody, "ConvTranspose"), Ops(scanBody));
        Assert.AreEqual(0, Count(scanBody, "Conv"), Ops(scanBody));
        var random = new System.Random(9);
        var parameters = new Dictionary<string, NDArray> { ["params/w"] = ReferenceCheck.Draw(random, w.Type) };
        ReferenceCheck.AssertMatches(program, [ReferenceCheck.Draw(random, xs.Type)], atol: 1e-5, rtol: 1e-4, parameters: parameters);
    }

    /// <summary>Shape inference names the primitive, the params and the operand types for each ill-formed equation.</summary>
    [TestMethod]
    public void ShapeInferenceRejectsIllFormedOperands()
    {
        static TensorType F32(params int[] dims) => new(DType.Float32, dims);
        var ok = new ConvTransposeParams([2], [(0, 0)], [1], [1], 1);
        void Throws(EqnParams prm, string message, params TensorType[] ins)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => ShapeInference.Infer(Primitive.ConvTranspose, prm, ins));
            Assert.AreEqual(message, e.Message);
        }
        Throws(ok, "conv_transpose requires arguments to have the same dtypes, got f32[2,4,3], f64[2,2,3].", F32(2, 4, 3), new TensorType(DType.Float64, 2, 2, 3));
        Throws(ok, "conv_transpose requires a floating-point dtype, got int32.", new TensorType(DType.Int32, 2, 4, 3), new TensorType(DType.Int32, 2, 2, 3));
        Throws(ok, "conv_transpose requires lhs (N, spatial..., O) and rhs (window..., I, O) of equal rank of at least 3, got f32[2,4,3], f32[2,2,2,3].", F32(2, 4, 3), F32(2, 2, 2, 3));
        Throws(ok with { OutputPadding = [2] }, "conv_transpose params [feature_group_count=1 output_padding=(2,) padding=((0, 0),) rhs_dilation=(1,) strides=(2,)] must have 1 entries per list, strides, dilations and feature_group_count of at least 1, non-negative padding and output padding below the stride.", F32(2, 4, 3), F32(2, 2, 3));
        Throws(ok with { Padding = [(-2, 0)] }, "conv_transpose params [feature_group_count=1 output_padding=(1,) padding=((-2, 0),) rhs_dilation=(1,) strides=(2,)] must have 1 entries per list, strides, dilations and feature_group_count of at least 1, non-negative padding and output padding below the stride.", F32(2, 4, 3), F32(2, 2, 3));
        Throws(ok with { Strides = [1, 1] }, "conv_transpose params [feature_group_count=1 output_padding=(1,) padding=((0, 0),) rhs_dilation=(1,) strides=(1, 1)] must have 1 entries per list, strides, dilations and feature_group_count of at least 1, non-negative padding and output padding below the stride.", F32(2, 4, 3), F32(2, 2, 3));
        Throws(ok, "conv_transpose allows a dynamic size only on the batch axis of lhs, got f32[2,?,3], f32[2,2,3].", F32(2, -1, 3), F32(2, 2, 3));
        Throws(ok with { FeatureGroupCount = 2 }, "conv_transpose with feature_group_count 2 requires lhs features (3) = rhs output features (3), divisible by 2, got f32[2,4,3], f32[2,2,3].", F32(2, 4, 3), F32(2, 2, 3));
        Throws(ok, "conv_transpose with feature_group_count 1 requires lhs features (4) = rhs output features (3), divisible by 1, got f32[2,4,4], f32[2,2,3].", F32(2, 4, 4), F32(2, 2, 3));
        Throws(ok with { Padding = [(6, 3)] }, "conv_transpose [feature_group_count=1 output_padding=(1,) padding=((6, 3),) rhs_dilation=(1,) strides=(2,)] of f32[2,4,3], f32[2,2,3] gives no element on spatial axis 0.", F32(2, 4, 3), F32(2, 2, 3));
        Assert.AreEqual(new TensorType(DType.Float32, -1, 9, 2), ShapeInference.Infer(Primitive.ConvTranspose, ok, [F32(-1, 4, 3), F32(2, 2, 3)]));
    }

    /// <summary>vmap has no rule for the lowering-only primitive; replaying it batched fails with a message naming it.</summary>
    [TestMethod]
    public void VmapRefusesConvTranspose()
    {
        var program = ReferenceCheck.Single(Primitive.ConvTranspose, new ConvTransposeParams([1], [(0, 0)], [0], [1], 1),
            new TensorType(DType.Float32, 2, 4, 3), new TensorType(DType.Float32, 2, 2, 3));
        using var trace = new TraceContext();
        var x = trace.AddInput(new TensorSpec(DType.Float32, 5, 2, 4, 3));
        var w = trace.AddParameter("params/w", [2, 2, 3], DType.Float32);
        var e = Assert.ThrowsExactly<NotSupportedException>(() =>
            Batching.Run(trace, program, v => v == program.Inputs[0] ? new Batched(x, 0) : new Batched(w, null), 5));
        Assert.AreEqual("vmap has no batching rule for conv_transpose.", e.Message);
    }
}
