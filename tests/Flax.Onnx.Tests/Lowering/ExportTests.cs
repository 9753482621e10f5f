using Microsoft.ML.OnnxRuntime;
using static Flax.Tests.Runtime.TracedModels;

namespace Flax.Tests.Lowering;

/// <summary>Core.Export: standalone files that ONNX Runtime and the ONNX checker accept, equal to Core.Apply.</summary>
[TestClass]
public sealed class ExportTests
{
    public TestContext TestContext { get; set; } = null!;

    private string TempPath(string name) => Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-{name}");

    /// <summary>A small convolutional classifier touching conv, pooling, reductions and the softmax family.</summary>
    private static Tensor ConvNet(Scope scope, Tensor x)
    {
        var kernel = scope.Push("conv").Param<Tensor>("kernel", Initializers.LecunNormal(), [3, 3, 2, 4]);
        var h = Tensor.Maximum(Tensor.ConvGeneralDilated(x, kernel, [1, 1], Padding.Same), 0.0);
        h = h.ReduceWindowMax([1, 2, 2, 1], [1, 2, 2, 1], Padding.Valid);
        h = h.ReduceWindowSum([1, 2, 2, 1], [1, 1, 1, 1], Padding.Same) * 0.25;
        var pooled = h.Mean([1, 2]);
        return Dense(scope.Push("head"), pooled, 3).LogSoftmax();
    }

    private static (NDArray[] Outputs, InferenceSession Session) RunFile(string path, NDArray x)
    {
        var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray<float>(), Array.ConvertAll(x.Shape, d => (long)d));
        using var results = session.Run(new RunOptions(), ["x"], [input], ["output_0"]);
        var y = results[0];
        var shape = Array.ConvertAll(y.GetTensorTypeAndShape().Shape, d => (int)d);
        return ([NDArray.From(y.GetTensorDataAsSpan<float>().ToArray(), shape)], session);
    }

    private static void AssertClose(NDArray expected, NDArray actual)
    {
        CollectionAssert.AreEqual(expected.Shape, actual.Shape);
        var (e, a) = (expected.ToArray<float>(), actual.ToArray<float>());
        for (int i = 0; i < e.Length; i++) Assert.AreEqual(e[i], a[i], 1e-6 + 1e-6 * Math.Abs(e[i]), $"element {i}");
    }

    [TestMethod]
    public void ExportedMlpRunsInOnnxRuntimeLikeApply()
    {
        var path = TempPath("mlp.onnx");
        var (_, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), Batch(1));
        Core.Export(Mlp, variables, path, [new TensorSpec(DType.Float32, -1, 4)]);
        var x = Batch(6);
        var (outputs, session) = RunFile(path, x);
        using (session)
        {
            AssertClose(Core.Apply(Mlp, device: Device.Cpu)(variables, x), outputs[0]);
            CollectionAssert.AreEquivalent(new[] { "params/hidden/kernel", "params/hidden/bias", "params/out/kernel", "params/out/bias" },
                session.OverridableInitializerMetadata.Keys.ToArray());
            Assert.AreEqual("batch", session.InputMetadata["x"].SymbolicDimensions[0]);
            CollectionAssert.AreEqual(new[] { "output_0" }, session.OutputNames.ToArray());
        }
    }

    [TestMethod]
    public void ExportedModelsPassTheOnnxChecker()
    {
        var (_, mlp) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), Batch(1));
        var mlpPath = TempPath("mlp.onnx");
        Core.Export(Mlp, mlp, mlpPath, [new TensorSpec(DType.Float32, -1, 4)]);
        OnnxChecker.AssertValid(mlpPath);

        var images = new TensorSpec(DType.Float32, -1, 8, 8, 2);
        var conv = Core.LazyInit(ConvNet)(PrngKey.Create(0), images);
        var convPath = TempPath("convnet.onnx");
        Core.Export(ConvNet, conv, convPath, [images]);
        OnnxChecker.AssertValid(convPath);
    }

    [TestMethod]
    public void ExportedConvNetMatchesApply()
    {
        var x = NDArray.From(Enumerable.Range(0, 2 * 8 * 8 * 2).Select(i => MathF.Sin(i)).ToArray(), 2, 8, 8, 2);
        var (y, variables) = Core.Init(ConvNet, device: Device.Cpu)(PrngKey.Create(3), x);
        using var stream = new MemoryStream();
        Core.Export(ConvNet, variables, stream, [new TensorSpec(DType.Float32, -1, 8, 8, 2)]);
        var path = TempPath("convnet.onnx");
        File.WriteAllBytes(path, stream.ToArray());
        var (outputs, session) = RunFile(path, x);
        using (session) AssertClose(y, outputs[0]);
    }

    [TestMethod]
    public void StreamAndFileExportsAreTheSameBytes()
    {
        var (_, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), Batch(1));
        var path = TempPath("mlp.onnx");
        Core.Export(Mlp, variables, path, [new TensorSpec(DType.Float32, -1, 4)]);
        using var stream = new MemoryStream();
        Core.Export(Mlp, variables, stream, [new TensorSpec(DType.Float32, -1, 4)]);
        CollectionAssert.AreEqual(File.ReadAllBytes(path), stream.ToArray());
    }

    [TestMethod]
    public void LargeWeightsGoToExternalData()
    {
        var (_, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), Batch(1));
        var model = Core.ExportTraced(ScopeFunction.Of(Mlp), variables, [new TensorSpec(DType.Float32, -1, 4)], null);
        var path = TempPath("external.onnx");
        model.Save(path, inlineLimit: 0);
        Assert.HasCount(1, Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*.data"));
        Assert.IsLessThan(2000L, new FileInfo(path).Length);
        var x = Batch(4);
        var (outputs, session) = RunFile(path, x);
        using (session) AssertClose(Core.Apply(Mlp, device: Device.Cpu)(variables, x), outputs[0]);
        OnnxChecker.AssertValid(path);
    }

    [TestMethod]
    public void AFailedExportLeavesTheFileAsItWas()
    {
        static Tensor Broken(Scope scope, Tensor x) => throw new InvalidOperationException("broken model");
        var path = TempPath("broken.onnx");
        File.WriteAllText(path, "previous");
        Assert.ThrowsExactly<InvalidOperationException>(() => Core.Export(Broken, VariableDict.Empty, path, [new TensorSpec(DType.Float32, -1, 4)]));
        Assert.AreEqual("previous", File.ReadAllText(path));
        Assert.HasCount(1, Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"));
    }

    [TestMethod]
    public void ExportWithTheWrongNumberOfSpecsThrows()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Export(Mlp, VariableDict.Empty, new MemoryStream(), []));
        Assert.AreEqual("The model takes 1 input(s) (x), got 0 input spec(s). (Parameter 'inputs')", e.Message);
    }

    [TestMethod]
    public void NodeNamesCarryTheScopePath()
    {
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.Dense(scope.Push("head"), Flax.Nn.Relu(Flax.Nn.Dense(scope.Push("body"), x, 8)), 2);
        var spec = new TensorSpec(DType.Float32, -1, 4);
        using var stream = new MemoryStream();
        Core.Export(Model, Core.LazyInit(Model)(PrngKey.Create(0), spec), stream, [spec]);
        var model = Flax.Lowering.Proto.ModelProto.Parser.ParseFrom(stream.ToArray());
        var graph = model.Graph;
        var names = graph.Node.Select(n => n.Name).ToArray();
        Assert.IsTrue(names.Any(n => n.StartsWith("body/MatMul_", StringComparison.Ordinal)), string.Join(", ", names));
        Assert.IsTrue(names.Any(n => n.StartsWith("head/MatMul_", StringComparison.Ordinal)), string.Join(", ", names));
        CollectionAssert.AreEquivalent(new[] { "params/body/kernel", "params/body/bias", "params/head/kernel", "params/head/bias" },
            graph.Initializer.Select(t => t.Name).Where(n => n.StartsWith("params/", StringComparison.Ordinal)).ToArray());
        Assert.AreEqual(8L, model.IrVersion);
        Assert.AreEqual(17L, model.OpsetImport.Single(o => o.Domain == "").Version);
    }
}
