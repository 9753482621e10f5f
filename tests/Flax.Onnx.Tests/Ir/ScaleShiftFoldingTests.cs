using Flax.Lowering.Proto;
using Flax.Tests.Lowering;

namespace Flax.Tests.Ir;

/// <summary>Scale-shift folding: a batch norm's per-feature <c>x * a + b</c> lowers to one ONNX
/// <c>BatchNormalization</c> with the values of the unfolded program's reference evaluation; nothing else folds, and
/// shape inference names what is wrong with an ill-formed <c>scale_shift</c>.</summary>
[TestClass]
public sealed class ScaleShiftFoldingTests
{
    private static TensorType F32(params int[] dims) => new(DType.Float32, dims);

    private static Program Affine(TensorType x, TensorType scale, TensorType shift, bool productReadTwice = false)
    {
        var (vx, va, vb) = (new Var(x), new Var(scale), new Var(shift));
        var product = new Var(ShapeInference.Infer(Primitive.Mul, EqnParams.None, [x, scale]));
        var sum = new Var(ShapeInference.Infer(Primitive.Add, EqnParams.None, [product.Type, shift]));
        var outputs = productReadTwice ? [new ProgramOutput("output_0", sum), new ProgramOutput("product", product)] : new[] { new ProgramOutput("output_0", sum) };
        return new Program([vx, va, vb], [], [], [
            new Eqn(Primitive.Mul, [vx, va], EqnParams.None, [product], ""),
            new Eqn(Primitive.Add, [product, vb], EqnParams.None, [sum], ""),
        ], [.. outputs]);
    }

    /// <summary>Batch norm with batch statistics, as <see cref="Flax.Nn.BatchNorm"/> computes it (the mean and mean of
    /// squares over N, H, W, then one scale and one offset per feature): the normalization is one ONNX
    /// <c>BatchNormalization</c> (which the ONNX checker accepts), and <c>Nn.BatchNorm</c> through <c>Core.Apply</c> matches the textbook formula
    /// computed in double with explicit loops (float32, atol 1e-5).</summary>
    [TestMethod]
    public void BatchNormNormalizationLowersToOneBatchNormalization()
    {
        Program program;
        using (var trace = new TraceContext())
        {
            var x = trace.AddInput(new TensorSpec(DType.Float32, -1, 3, 4, 5));
            var scale = trace.AddParameter("params/scale", [5], DType.Float32);
            var bias = trace.AddParameter("params/bias", [5], DType.Float32);
            var mean = x.Mean([0, 1, 2]);
            var variance = (x * x).Mean([0, 1, 2]) - mean * mean;
            var mul = (variance + 1e-5).Rsqrt() * scale;
            trace.AddOutput("output_0", x * mul + (bias - mean * mul));
            program = CommonSubexpressions.Simplify(trace.Finish());
        }
        Assert.AreEqual(1, ScaleShiftFolding.Fold(program).Eqns.Count(e => e.Primitive == Primitive.ScaleShift), program.ToString());
        var bytes = Lowerer.Lower(program, ["x"]).ToBytes();
        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        Assert.AreEqual(1, graph.Node.Count(n => n.OpType == "BatchNormalization"), string.Join(", ", graph.Node.Select(n => n.OpType)));
        var path = Path.Combine(Path.GetTempPath(), $"flax-scale-shift-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, bytes);
            OnnxChecker.AssertValid(path);
        }
        finally
        {
            File.Delete(path);
        }
        var random = new System.Random(5);
        var parameters = program.Parameters.ToDictionary(p => p.Path, p => ReferenceCheck.Draw(random, p.Var.Type, 0.5, 2));
        ReferenceCheck.AssertMatches(program, [ReferenceCheck.Draw(random, program.Inputs[0].Type, -3, 3, batch: 2)], atol: 1e-5, rtol: 1e-5, parameters: parameters);

        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.BatchNorm(scope, x, useRunningAverage: false);
        var input = ReferenceCheck.Draw(random, new TensorType(DType.Float32, 2, 3, 4, 5), -3, 3);
        var (_, variables) = Core.Init(Model, device: Device.Cpu)(PrngKey.Create(0), input);
        var (y, _) = Core.Apply(Model, "batch_stats", device: Device.Cpu)(variables, input);
        var (values, actual) = (input.ToArray<float>(), y.ToArray<float>());
        for (int c = 0; c < 5; c++)
        {
            var column = Enumerable.Range(0, 24).Select(i => (double)values[i * 5 + c]).ToArray();
            double mu = column.Average(), sigma2 = column.Select(v => (v - mu) * (v - mu)).Average();
            for (int i = 0; i < 24; i++)
                Assert.AreEqual((column[i] - mu) / Math.Sqrt(sigma2 + 1e-5), actual[i * 5 + c], 1e-5, $"row {i}, feature {c}");
        }
    }

    [TestMethod]
    public void OnlyAPerFeatureScaleAndShiftOfAFullOperandFolds()
    {
        Program[] kept =
        [
            Affine(F32(-1, 3), F32(-1, 3), F32(1, 3)),                          // scale not per feature
            Affine(F32(-1, 3), F32(1, 3), F32(-1, 3)),                          // shift not per feature
            Affine(F32(1, 3), F32(1, 3), F32(1, 3)),                            // x per feature itself
            Affine(F32(-1, 3), F32(1, 3), F32(1, 3), productReadTwice: true),   // the product is an output too
            Affine(F32(6), F32(6), F32(6)),                                     // rank 1
            Affine(new(DType.Float16, -1, 3), new(DType.Float16, 1, 3), new(DType.Float16, 1, 3)), // no float16 BatchNormalization on the CPU
        ];
        foreach (var program in kept)
            Assert.AreSame(program, ScaleShiftFolding.Fold(ProgramChecker.Check(program)), program.ToString());

        var folds = Affine(F32(-1, 2, 3), F32(1, 1, 3), F32(1, 1, 3));
        Assert.AreEqual("scale_shift", string.Join(", ", ScaleShiftFolding.Fold(folds).Eqns.Select(e => e.Primitive.Name())));
    }

    /// <summary>Shape inference names the primitive and the operand types for each ill-formed equation.</summary>
    [TestMethod]
    public void ShapeInferenceRejectsIllFormedOperands()
    {
        void Throws(string message, params TensorType[] ins)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => ShapeInference.Infer(Primitive.ScaleShift, EqnParams.None, ins));
            Assert.AreEqual(message, e.Message);
        }
        Throws("scale_shift requires arguments to have the same dtypes, got f32[2,3], f64[1,3], f32[1,3].", F32(2, 3), new TensorType(DType.Float64, 1, 3), F32(1, 3));
        Throws("scale_shift requires x of rank at least 2 with a static last axis, and scale and shift of x's rank sized 1 but on that axis, got f32[2,3], f32[2,3], f32[1,3].",
            F32(2, 3), F32(2, 3), F32(1, 3));
        Throws("scale_shift requires x of rank at least 2 with a static last axis, and scale and shift of x's rank sized 1 but on that axis, got f32[3], f32[3], f32[3].",
            F32(3), F32(3), F32(3));
        var i32 = new TensorType(DType.Int32, 2, 3);
        Throws("scale_shift requires float32 or float64 (ONNX Runtime's BatchNormalization), got int32.", i32, new TensorType(DType.Int32, 1, 3), new TensorType(DType.Int32, 1, 3));
        Throws("scale_shift takes 3 inputs, got 2.", F32(2, 3), F32(1, 3));
        var f16 = new TensorType(DType.Float16, 1, 3);
        Throws("scale_shift requires float32 or float64 (ONNX Runtime's BatchNormalization), got float16.", new TensorType(DType.Float16, 2, 3), f16, f16);
    }
}
