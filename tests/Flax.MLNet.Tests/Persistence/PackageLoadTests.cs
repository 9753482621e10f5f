using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Flax.Lowering.Proto;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>
/// FlaxTransformer.Load on hostile packages (issue 11): every failure is a <see cref="FlaxPackageException"/> naming
/// the entry, raised before anything larger than the package's own claims is allocated.
/// </summary>
[TestClass]
public sealed class PackageLoadTests
{
    private const string Bias = "variables/params/Dense_0/bias";

    private static FlaxPackageException Refused(byte[] package) =>
        Assert.ThrowsExactly<FlaxPackageException>(() => Packages.Load(package));

    private static void AssertRefused(byte[] package, string entry, string message)
    {
        var e = Refused(package);
        Assert.AreEqual($"This is not a readable Flax model package: {entry}: {message}", e.Message);
        Assert.AreEqual(entry, e.Entry);
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static long CompressedLength(byte[] zip, string name)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        return archive.GetEntry(name)!.CompressedLength;
    }

    [TestMethod]
    public void APackageLoadsAndScoresAsSaved()
    {
        using var fitted = Packages.Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).Fit(Packages.Data);
        using var loaded = Packages.Load(Packages.Saved);
        var expected = fitted.Transform(Packages.Data).GetColumn<float[]>("Score").ToArray();
        var actual = loaded.Transform(Packages.Data).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i]);
    }

    [TestMethod]
    public void AnEntryDeclaringMoreThanItsManifestAllowsIsRefusedBeforeItIsRead()
    {
        var package = Packages.Patched(Packages.Saved, Bias, 24, int.MaxValue);
        long allocated = Allocated(() => AssertRefused(package, Bias,
            "the entry declares 2147483647 bytes, more than the 128 bytes of float32(32,) in manifest.json."));
        Assert.IsTrue(allocated < 16 << 20, $"{allocated} bytes allocated");
    }

    [TestMethod]
    public void AGraphDeclaringMoreThanTheVariablesAndAGraphTakeIsRefused() => AssertRefused(
        Packages.Patched(Packages.Saved, "model.onnx", 24, uint.MaxValue), "model.onnx",
        "the entry declares 4294967295 bytes, more than the 16779840 bytes its variables (2624) and a graph may take.");

    [TestMethod]
    public void AnEntryDeclaringMoreThanDeflateExpandsToIsRefused()
    {
        var package = Packages.Patched(Packages.Saved, "model.onnx", 24, 10_000_000);
        AssertRefused(package, "model.onnx", $"the entry declares 10000000 bytes from {CompressedLength(package, "model.onnx")} " +
            "compressed bytes, more than deflate expands to.");
    }

    [TestMethod]
    public void ADeflateBombIsRefusedBeforeItIsInflated()
    {
        var package = Packages.WithEntry("model.onnx", new byte[64 << 20]);
        long allocated = Allocated(() => AssertRefused(package, "model.onnx",
            "the entry declares 67108864 bytes, more than the 16779840 bytes its variables (2624) and a graph may take."));
        Assert.IsTrue(allocated < 16 << 20, $"{allocated} bytes allocated");
    }

    [TestMethod]
    public void AnEntryLongerThanItDeclaresIsRefused()
    {
        // .NET stops inflating at the declared length, so the checksum of the first 100 bytes is what fails.
        var manifest = Packages.Entries(Packages.Saved).Single(e => e.Name == "manifest.json").Bytes;
        var declared = BitConverter.ToUInt32(Packages.Saved, Packages.Headers(Packages.Saved, "manifest.json").Central + 16);
        AssertRefused(Packages.Patched(Packages.Saved, "manifest.json", 24, 100), "manifest.json",
            $"the entry's CRC-32 is {Crc32.Of(manifest.AsSpan(0, 100)):x8}, not the {declared:x8} it declares.");
    }

    [TestMethod]
    public void AnEntryShorterThanItDeclaresIsRefused()
    {
        int length = Packages.Entries(Packages.Saved).Single(e => e.Name == "manifest.json").Bytes.Length;
        var e = Refused(Packages.Patched(Packages.Saved, "manifest.json", 24, (uint)length + 10));
        Assert.AreEqual($"This is not a readable Flax model package: manifest.json at byte {length}: the entry ends after {length} of the " +
            $"{length + 10} bytes it declares.", e.Message);
    }

    [TestMethod]
    public void AnEntryFailingItsChecksumIsRefused()
    {
        var manifest = Packages.Entries(Packages.Saved).Single(e => e.Name == "manifest.json").Bytes;
        AssertRefused(Packages.Patched(Packages.Saved, "manifest.json", 16, 0x12345678), "manifest.json",
            $"the entry's CRC-32 is {Crc32.Of(manifest):x8}, not the 12345678 it declares.");
    }

    [TestMethod]
    public void AVariablePathNestedDeeperThan64LevelsIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["variables"]!.AsArray().Add(new JsonObject
        {
            ["path"] = string.Join("/", Enumerable.Repeat("a", 65)), ["dtype"] = "float32", ["shape"] = new JsonArray(),
        })),
        "manifest.json", $"the variable path '{string.Join("/", Enumerable.Repeat("a", 65))[..80]}…' nests deeper than 64 levels.");

    [TestMethod]
    public void AVariablePathNested30000LevelsIsRefusedWithoutRecursion() => AssertRefused(
        Packages.WithManifest(m => m["variables"]![0]!["path"] = string.Concat(Enumerable.Repeat("a/", 30_000)) + "b"),
        "manifest.json", $"the variable path '{string.Concat(Enumerable.Repeat("a/", 40))}…' is 60001 characters long, more than 4096.");

    [TestMethod]
    public void AnOutputShapeContradictingTheGraphIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["output"]!["shape"] = new JsonArray(2)),
        "model.onnx", "the graph's output 'Score' is float(batch, 16), manifest.json says float(batch, 2).");

    [TestMethod]
    public void AnInputShapeContradictingTheGraphIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["inputs"]![0]!["shape"] = new JsonArray(4)),
        "model.onnx", "the graph's input 'A' is float(batch, 3), manifest.json says float(batch, 4).");

    [TestMethod]
    public void AnInputNameContradictingTheGraphIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["inputs"]![0]!["column"] = "B"),
        "model.onnx", "the graph's input is named 'A', manifest.json says 'B'.");

    [TestMethod]
    public void AVariableShapeContradictingTheGraphIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["variables"]!.AsArray().Single(v => (string)v!["path"]! == "params/Dense_0/bias")!["shape"] = new JsonArray(16, 2)),
        "model.onnx", "the initializer 'params/Dense_0/bias' is float(32), manifest.json says float32(16, 2).");

    [TestMethod]
    public void ABatchSizeOfZeroIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["batch_size"] = 0), "manifest.json",
        "batch_size 0 is not from 1 to 65536 with at most 134217728 values per batch of column 'A' (3 per row).");

    [TestMethod]
    public void AZipSlipEntryIsRefused() => AssertRefused(
        Packages.Zip([.. Packages.Entries(Packages.Saved), ("../evil", [1])]), "../evil", "manifest.json does not list this entry.");

    [TestMethod]
    public void AZipSlipVariablePathIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["variables"]![0]!["path"] = "params/../../evil"), "manifest.json",
        "the variable path 'params/../../evil' has the segment '..' at position 7.");

    [TestMethod]
    public void MalformedJsonNamesItsByteOffset()
    {
        var e = Refused(Packages.WithEntry("manifest.json", Encoding.UTF8.GetBytes("{\n  \"format\": tru }")));
        Assert.AreEqual(17L, e.Offset);
        StringAssert.StartsWith(e.Message, "This is not a readable Flax model package: manifest.json at byte 17: it is not a valid manifest (");
        Assert.IsInstanceOfType<System.Text.Json.JsonException>(e.InnerException);
    }

    [TestMethod]
    public void AManifestMissingAFieldIsRefused()
    {
        var e = Refused(Packages.WithManifest(m => m.Remove("batch_size")));
        StringAssert.StartsWith(e.Message, "This is not a readable Flax model package: manifest.json at byte ");
        StringAssert.Contains(e.Message, "'batch_size'");
    }

    [TestMethod]
    public void AManifestWithoutOutputsOrWithBothFormsIsRefused()
    {
        const string Expected = "This is not a readable Flax model package: manifest.json: it needs either 'output' (one output column) or 'outputs' (two or more).";
        Assert.AreEqual(Expected, Refused(Packages.WithManifest(m => m.Remove("output"))).Message);
        Assert.AreEqual(Expected, Refused(Packages.WithManifest(m => m["outputs"] = new System.Text.Json.Nodes.JsonArray(m["output"]!.DeepClone()))).Message);
        Assert.AreEqual(Expected, Refused(Packages.WithManifest(m => m["outputs"] = new System.Text.Json.Nodes.JsonArray(m["output"]!.DeepClone(), m["output"]!.DeepClone()))).Message);
    }

    [TestMethod]
    public void AGraphThatIsNotOnnxIsRefused()
    {
        var e = Refused(Packages.WithEntry("model.onnx", [0xFF, 0xFF, 0xFF]));
        StringAssert.StartsWith(e.Message, "This is not a readable Flax model package: model.onnx: it is not an ONNX model (");
        Assert.AreEqual("model.onnx", e.Entry);
    }

    [TestMethod]
    public void VariableBytesThatDifferFromTheGraphAreRefused() => AssertRefused(
        Packages.WithEntry(Bias, Enumerable.Repeat((byte)1, 128).ToArray()), Bias,
        "the variable's bytes differ from those of the graph's initializer 'params/Dense_0/bias' in model.onnx.");

    [TestMethod]
    public void AGraphPointingAtExternalDataIsRefused() => AssertRefused(
        Packages.WithGraph(m =>
        {
            var bias = m.Graph.Initializer.Single(t => t.Name == "params/Dense_0/bias");
            bias.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" });
            bias.DataLocation = TensorProto.Types.DataLocation.External;
        }),
        "model.onnx", "the tensor 'params/Dense_0/bias' points at external data; a package holds its tensors inline.");

    [TestMethod]
    public void AGraphOnnxRuntimeCannotLoadIsRefused()
    {
        var e = Refused(Packages.WithGraph(m => m.Graph.Node[0].OpType = "NoSuchOperator"));
        StringAssert.StartsWith(e.Message, "This is not a readable Flax model package: model.onnx: ONNX Runtime cannot load the graph (");
        var load = Assert.IsInstanceOfType<ModelLoadException>(e.InnerException);
        Assert.IsInstanceOfType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(load.InnerException);
    }

    [TestMethod]
    public void VariablesThatDoNotFormATreeAreRefused()
    {
        var package = Packages.WithManifest(
            m => m["variables"]!.AsArray().Add(new JsonObject { ["path"] = "params/Dense_0/bias/extra", ["dtype"] = "float32", ["shape"] = new JsonArray() }),
            Packages.Zip([.. Packages.Entries(Packages.Saved), ("variables/params/Dense_0/bias/extra", new byte[4])]));
        var e = Refused(package);
        StringAssert.StartsWith(e.Message, "This is not a readable Flax model package: manifest.json: its variables do not form a tree (");
    }

    [TestMethod]
    public void AGraphWhoseNodesContradictItsDeclaredOutputFailsToScoreWithModelRunException()
    {
        var package = Packages.WithManifest(m => m["output"]!["shape"] = new JsonArray(2),
            Packages.WithGraph(m => m.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue = 2));
        using var loaded = Packages.Load(package);

        var e = Assert.ThrowsExactly<ModelRunException>(() => loaded.Transform(Packages.Data).GetColumn<float[]>("Score").ToArray());

        Assert.AreEqual("ONNX Runtime ran the model, but its output 'Score' is float32(5, 16) where the model declares float32(5, 2).", e.Message);
    }
}
