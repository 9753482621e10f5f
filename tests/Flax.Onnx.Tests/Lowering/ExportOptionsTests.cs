using Microsoft.ML.OnnxRuntime;
using static Flax.Tests.Runtime.TracedModels;

namespace Flax.Tests.Lowering;

/// <summary>Core.Export's options: plain initializers (<c>overridable: false</c>) and the new values of mutable
/// collections as further outputs (<c>mutable:</c>), each run in ONNX Runtime against Core.Apply.</summary>
[TestClass]
public sealed class ExportOptionsTests
{
    private static readonly TensorSpec Rows = new(DType.Float32, -1, 4);

    public TestContext TestContext { get; set; } = null!;

    /// <summary>Dense 4 → 3 and a BatchNorm in training mode (it writes <c>batch_stats</c>).</summary>
    private static Tensor TrainingBatchNorm(Scope scope, Tensor x) =>
        Flax.Nn.BatchNorm(scope.Push("BatchNorm_0"), Dense(scope.Push("Dense_0"), x, 3), momentum: 0.9);

    private static NDArray Data(int rows) =>
        NDArray.From(Enumerable.Range(0, rows * 4).Select(i => MathF.Sin(0.7f * i) * (1 + i % 3)).ToArray(), rows, 4);

    /// <summary>Runs the exported bytes on <paramref name="x"/> and returns every graph output by name, and the
    /// session's input and overridable-initializer names.</summary>
    private static (Dictionary<string, NDArray> Outputs, string[] Inputs, string[] Overridable) Run(byte[] model, NDArray x)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray<float>(), Array.ConvertAll(x.Shape, d => (long)d));
        using var results = session.Run(new RunOptions(), ["x"], [input], [.. session.OutputNames]);
        var outputs = new Dictionary<string, NDArray>();
        for (int i = 0; i < results.Count; i++)
        {
            var shape = Array.ConvertAll(results[i].GetTensorTypeAndShape().Shape, d => (int)d);
            outputs[session.OutputNames[i]] = NDArray.From(results[i].GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        return (outputs, [.. session.InputMetadata.Keys], [.. session.OverridableInitializerMetadata.Keys]);
    }

    private static byte[] Export(Action<Stream> export)
    {
        using var stream = new MemoryStream();
        export(stream);
        return stream.ToArray();
    }

    private static void AssertClose(NDArray expected, NDArray actual, string what)
    {
        CollectionAssert.AreEqual(expected.Shape, actual.Shape, what);
        var (e, a) = (expected.ToArray<float>(), actual.ToArray<float>());
        for (int i = 0; i < e.Length; i++) Assert.IsTrue(Math.Abs(e[i] - a[i]) <= 1e-5 + 1e-5 * Math.Abs(e[i]), $"{what} element {i}: {e[i]} vs {a[i]}");
    }

    [TestMethod]
    public void NonOverridableExportListsNoInitializerAmongItsInputs()
    {
        var (_, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), Data(1));
        var x = Data(5);
        var (plain, inputs, overridable) = Run(Export(s => Core.Export(Mlp, variables, s, [Rows], overridable: false)), x);
        CollectionAssert.AreEqual(new[] { "x" }, inputs);
        Assert.IsEmpty(overridable);

        var (standard, _, listed) = Run(Export(s => Core.Export(Mlp, variables, s, [Rows])), x);
        Assert.HasCount(4, listed);
        AssertClose(standard["output_0"], plain["output_0"], "output_0");
        var reference = HostMlp(variables, x);
        AssertClose(NDArray.From(reference.Cast<double>().Select(v => (float)v).ToArray(), 5, 3), plain["output_0"], "host reference");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void TrainingBatchNormExportsItsUpdatedStatistics(bool overridable)
    {
        var (_, variables) = Core.Init(TrainingBatchNorm, device: Device.Cpu)(PrngKey.Create(1), Data(2));
        var x = Data(6);
        var (outputs, _, _) = Run(Export(s => Core.Export(TrainingBatchNorm, variables, s, [Rows], mutable: "batch_stats", overridable: overridable)), x);
        var (y, mutated) = Core.Apply(TrainingBatchNorm, mutable: "batch_stats", device: Device.Cpu)(variables, x);

        // The variable's own name is its initializer, so the new value is the output "<path>:updated".
        const string suffix = ":updated";
        CollectionAssert.AreEquivalent(new[] { "output_0", "batch_stats/BatchNorm_0/mean" + suffix, "batch_stats/BatchNorm_0/var" + suffix },
            outputs.Keys.ToArray());
        AssertClose(y, outputs["output_0"], "output_0");
        foreach (var (path, value) in mutated.Flatten())
            AssertClose((NDArray)value, outputs[path + suffix], path);

        // Independently: the new running mean is 0.1 times the batch mean of the Dense output (it starts at zeros).
        var dense = Core.Apply(Dense3, device: Device.Cpu)(variables, x);
        var h = dense.ToArray<float>();
        var expected = Enumerable.Range(0, 3).Select(j => 0.1f * Enumerable.Range(0, 6).Average(i => h[i * 3 + j])).ToArray();
        AssertClose(NDArray.From(expected, 3), outputs["batch_stats/BatchNorm_0/mean" + suffix], "host running mean");
    }

    [TestMethod]
    public void ExportsWithBothOptionsPassTheOnnxChecker()
    {
        var (_, variables) = Core.Init(TrainingBatchNorm, device: Device.Cpu)(PrngKey.Create(1), Data(2));
        var path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-batchnorm.onnx");
        Core.Export(TrainingBatchNorm, variables, path, [Rows], mutable: "batch_stats", overridable: false);
        OnnxChecker.AssertValid(path);
    }

    private static Tensor Dense3(Scope scope, Tensor x) => Dense(scope.Push("Dense_0"), x, 3);

    [TestMethod]
    public void ExportOfAWritingModelWithoutMutableThrowsFlaxsError()
    {
        var (_, variables) = Core.Init(TrainingBatchNorm, device: Device.Cpu)(PrngKey.Create(1), Data(2));
        var e = Assert.ThrowsExactly<ModifyScopeVariableException>(() => Export(s => Core.Export(TrainingBatchNorm, variables, s, [Rows])));
        Assert.AreEqual("Cannot update variable \"mean\" in \"/BatchNorm_0\" because collection \"batch_stats\" is immutable.", e.Message);
    }
}
