using System.Text.Json.Nodes;

namespace Flax.MLNet.Tests;

/// <summary>The input column types a package's manifest records (<c>"type"</c>), checked as strictly as the rest of it.</summary>
[TestClass]
public sealed class TypedPackageTests
{
    private static void AssertRefused(byte[] package, string entry, string message)
    {
        var e = Assert.ThrowsExactly<FlaxPackageException>(() => Packages.Load(package));
        Assert.AreEqual($"This is not a readable Flax model package: {entry}: {message}", e.Message);
    }

    [TestMethod]
    public void AFloatPackageRecordsNoType() =>
        Assert.IsFalse(((JsonObject)JsonNode.Parse(Packages.Entries(Packages.Saved)[0].Bytes)!["inputs"]![0]!).ContainsKey("type"));

    [TestMethod]
    public void AnInputTypeContradictingTheGraphIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["inputs"]![0]!["type"] = "key"),
        "model.onnx", "the graph's input 'A' is float(batch, 3), manifest.json says int64(batch, 3).");

    [TestMethod]
    public void AnUnknownInputTypeIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["inputs"]![0]!["type"] = "float64"),
        "manifest.json", "column 'A' has type 'float64'; an input column's type is one of float32, key, uint32, int32, int64, bool, " +
        "an output column has none.");

    [TestMethod]
    public void AnOutputTypeIsRefused() => AssertRefused(
        Packages.WithManifest(m => m["output"]!["type"] = "float32"),
        "manifest.json", "column 'Score' has type 'float32'; an input column's type is one of float32, key, uint32, int32, int64, bool, " +
        "an output column has none.");
}
