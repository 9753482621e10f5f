using System.IO.Compression;
using System.Text;

namespace Flax.MLNet.Tests;

[TestClass]
public sealed class ModelPackageTests
{
    private static readonly ModelSignature Signature = new([new ModelInput("A", [3]), new ModelInput("Image", [2, 2])], "Score", [2]);

    private static VariableDict Variables(object kernel) => new(("params", new VariableDict(
        ("Dense_0", new VariableDict(("kernel", kernel), ("bias", NDArray.From([0.5f, -1f], 2)))))));

    private static FlaxTransformer Transformer(object kernel) =>
        new(Signature, [1, 2, 3, 4], Variables(kernel), new AffineScorer(3, 4), batchSize: 7);

    [TestMethod]
    public void SaveWritesTheManifestTheModelAndEachVariable()
    {
        using var transformer = Transformer(NDArray.From([1f, 2, 3, 4, 5, 6], 3, 2));
        using var stream = new MemoryStream();

        transformer.Save(stream);

        using var zip = new ZipArchive(new MemoryStream(stream.ToArray()));
        CollectionAssert.AreEqual(new[] { "manifest.json", "model.onnx", "variables/params/Dense_0/kernel", "variables/params/Dense_0/bias" },
            zip.Entries.Select(e => e.FullName).ToArray());
        using var manifest = new StreamReader(zip.GetEntry("manifest.json")!.Open(), Encoding.UTF8);
        var text = manifest.ReadToEnd();
        StringAssert.Contains(text, "\"format\": \"flax-mlnet\"");
        StringAssert.Contains(text, "\"batch_size\": 7");
    }

    [TestMethod]
    public void ReadGivesBackWhatWasWritten()
    {
        using var fitted = Packages.Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).Fit(Packages.Data);
        using var stream = new MemoryStream();
        fitted.Save(stream);
        stream.Position = 0;

        var package = ModelPackage.Read(stream);

        Assert.AreEqual(fitted.BatchSize, package.BatchSize);
        CollectionAssert.AreEqual(new[] { "A" }, package.Signature.Inputs.Select(i => i.ColumnName).ToArray());
        CollectionAssert.AreEqual(new[] { 3 }, package.Signature.Inputs[0].RowShape);
        Assert.AreEqual("Score", package.Signature.Outputs[0].ColumnName);
        CollectionAssert.AreEqual(new[] { 16 }, package.Signature.Outputs[0].RowShape);
        Assert.AreEqual(fitted.Variables, package.VariableTree());
        using var exported = new MemoryStream();
        fitted.ExportOnnx(exported);
        CollectionAssert.AreEqual(exported.ToArray(), package.Onnx);
    }

    [TestMethod]
    public void FailedSaveWritesNothingToTheStream()
    {
        using var transformer = Transformer(42);
        using var stream = new MemoryStream();

        var e = Assert.ThrowsExactly<NotSupportedException>(() => transformer.Save(stream));

        Assert.AreEqual("Variable 'params/Dense_0/kernel' is a Int32; a saved Flax model stores arrays (NDArray) only.", e.Message);
        Assert.AreEqual(0, stream.Length);
    }

    [TestMethod]
    public void FailedSaveLeavesNoFile()
    {
        var folder = Directory.CreateTempSubdirectory("flax-save-").FullName;
        try
        {
            using var transformer = Transformer(42);

            Assert.ThrowsExactly<NotSupportedException>(() => transformer.Save(Path.Combine(folder, "model.zip")));

            Assert.IsEmpty(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void SaveToAFileReplacesItWhole()
    {
        var folder = Directory.CreateTempSubdirectory("flax-save-").FullName;
        try
        {
            var path = Path.Combine(folder, "model.zip");
            File.WriteAllText(path, "old");
            using var transformer = Packages.Load(Packages.Saved);

            transformer.Save(path);

            using var file = File.OpenRead(path);
            Assert.AreEqual(transformer.Variables, ModelPackage.Read(file).VariableTree());
            CollectionAssert.AreEqual(new[] { path }, Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ReadingSomethingElseSaysSo()
    {
        var e = Assert.ThrowsExactly<FlaxPackageException>(() => ModelPackage.Read(new MemoryStream([1, 2, 3])));

        Assert.AreEqual("This is not a readable Flax model package: (zip): it is not a readable zip file " +
            "(Central Directory corrupt.)", e.Message);
        Assert.AreEqual("(zip)", e.Entry);
    }

    [TestMethod]
    public void ReadingADamagedZipSaysSo()
    {
        using var transformer = Transformer(NDArray.From([1f, 2, 3, 4, 5, 6], 3, 2));
        using var stream = new MemoryStream();
        transformer.Save(stream);
        var bytes = stream.ToArray();

        var e = Assert.ThrowsExactly<FlaxPackageException>(() => ModelPackage.Read(new MemoryStream(bytes[..^30])));

        StringAssert.StartsWith(e.Message, "This is not a readable Flax model package: (zip): it is not a readable zip file (");
    }

    [TestMethod]
    public void ReadingAZipWithoutAManifestSaysSo()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true)) zip.CreateEntry("model.onnx");
        stream.Position = 0;

        var e = Assert.ThrowsExactly<FlaxPackageException>(() => ModelPackage.Read(stream));

        Assert.AreEqual("This is not a readable Flax model package: manifest.json: the package has no such entry.", e.Message);
    }

    [TestMethod]
    public void SaveRefusesAZipSlipVariablePath()
    {
        using var transformer = new FlaxTransformer(Signature, [1, 2, 3, 4],
            new VariableDict(("params", new VariableDict(("..", new VariableDict(("kernel", NDArray.From([1f], 1))))))), new AffineScorer(3, 4), batchSize: 7);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => transformer.Save(new MemoryStream()));

        Assert.AreEqual("This model cannot be saved as a Flax package: the variable path 'params/../kernel' has the segment '..' at position 7.", e.Message);
    }

    [TestMethod]
    public void SaveRefusesABatchSizeLoadRefuses()
    {
        using var transformer = new FlaxTransformer(Signature, [1, 2, 3, 4], Variables(NDArray.From([1f], 1)), new AffineScorer(3, 4), batchSize: 70_000);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => transformer.Save(new MemoryStream()));

        Assert.AreEqual("This model cannot be saved as a Flax package: batch_size 70000 is not from 1 to 65536 with at most 134217728 " +
            "values per batch of column 'A' (3 per row).", e.Message);
    }
}
