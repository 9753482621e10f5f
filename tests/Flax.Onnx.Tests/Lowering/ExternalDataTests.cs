using System.Security.Cryptography;
using Flax.Lowering.Proto;
using Microsoft.ML.OnnxRuntime;
using static Flax.Tests.Runtime.TracedModels;

namespace Flax.Tests.Lowering;

/// <summary>
/// Exports with external data (issue 11): the data file is named after its content and written before the model, so
/// a model file and the data it names always belong together; stale data files go on the next successful export.
/// The threshold is forced to 0 (<c>OnnxModel.Save(path, inlineLimit: 0)</c>) to put a small model's weights outside.
/// </summary>
[TestClass]
public sealed class ExternalDataTests
{
    private string _folder = null!;

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("flax-external-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static VariableDict Variables(int seed) => Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(seed), Batch(1)).Variables;

    private static OnnxModel Traced(VariableDict variables) =>
        Core.ExportTraced(ScopeFunction.Of(Mlp), variables, [new TensorSpec(DType.Float32, -1, 4)], null);

    private string[] Files() => Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static float[] Run(string path, NDArray x)
    {
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray<float>(), Array.ConvertAll(x.Shape, d => (long)d));
        using var results = session.Run(new RunOptions(), ["x"], [input], ["output_0"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static string Location(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Initializer
        .SelectMany(t => t.ExternalData).Where(e => e.Key == "location").Select(e => e.Value).Distinct().Single();

    [TestMethod]
    public void TheDataFileIsNamedAfterItsContent()
    {
        var path = Path.Combine(_folder, "model.onnx");

        Traced(Variables(0)).Save(path, inlineLimit: 0);

        var data = Files().Single(f => f != "model.onnx");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(_folder, data))))[..16];
        Assert.AreEqual($"model.onnx.{hash}.data", data);
        Assert.AreEqual(data, Location(path));
    }

    [TestMethod]
    public void ANewExportReplacesThePairAndRemovesTheOldDataFile()
    {
        var path = Path.Combine(_folder, "model.onnx");
        var (old, updated) = (Variables(0), Variables(1));
        Traced(old).Save(path, inlineLimit: 0);
        var oldData = Location(path);

        Traced(updated).Save(path, inlineLimit: 0);

        var x = Batch(3);
        CollectionAssert.AreEqual(new[] { "model.onnx", Location(path) }, Files());
        Assert.AreNotEqual(oldData, Location(path));
        var expected = Core.Apply(Mlp, device: Device.Cpu)(updated, x).ToArray<float>();
        var actual = Run(path, x);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-6 + 1e-6 * Math.Abs(expected[i]));
    }

    [TestMethod]
    public void AnExportInterruptedAfterItsDataFileLeavesTheOldPairWholeAndTheNextExportRemovesTheOrphan()
    {
        // What a kill between the two renames leaves: the new, differently named data file beside the old pair.
        var path = Path.Combine(_folder, "model.onnx");
        var old = Variables(0);
        Traced(old).Save(path, inlineLimit: 0);
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx.0123456789abcdef.data"), new byte[8192]);

        var x = Batch(2);
        var expected = Core.Apply(Mlp, device: Device.Cpu)(old, x).ToArray<float>();
        var actual = Run(path, x);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-6 + 1e-6 * Math.Abs(expected[i]));

        Traced(old).Save(path, inlineLimit: 0);

        CollectionAssert.AreEqual(new[] { "model.onnx", Location(path) }, Files());
    }

    [TestMethod]
    public void AnInlineExportRemovesTheTargetsDataFilesOnly()
    {
        var path = Path.Combine(_folder, "model.onnx");
        Traced(Variables(0)).Save(path, inlineLimit: 0);
        File.WriteAllText(Path.Combine(_folder, "model.onnx.data"), "an earlier version's data file");
        File.WriteAllText(Path.Combine(_folder, "model.onnx.notes.data"), "not ours");
        File.WriteAllText(Path.Combine(_folder, "other.onnx.0123456789abcdef.data"), "another model's");

        Traced(Variables(0)).Save(path);

        CollectionAssert.AreEqual(new[] { "model.onnx", "model.onnx.notes.data", "other.onnx.0123456789abcdef.data" }, Files());
    }
}
