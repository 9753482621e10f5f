using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>mlContext.Model.SaveAtomically: ML.NET's model zip, replaced whole or not at all.</summary>
[TestClass]
public sealed class ModelFilesTests
{
    private string _folder = null!;

    [TestInitialize]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("flax-modelfiles-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void SaveAtomicallyWritesAModelThatModelLoadReads()
    {
        var path = Path.Combine(_folder, "model.zip");
        File.WriteAllText(path, "old");
        using var flax = Packages.Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).Fit(Packages.Data);

        Packages.Ml.Model.SaveAtomically(flax, Packages.Data.Schema, path);

        var loaded = Packages.Ml.Model.Load(path, out var schema);
        Assert.AreEqual(Packages.Data.Schema.Count, schema.Count);
        var expected = flax.Transform(Packages.Data).GetColumn<float[]>("Score").ToArray();
        var actual = loaded.Transform(Packages.Data).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected[i].Length; j++) Assert.IsTrue(Math.Abs(expected[i][j] - actual[i][j]) <= 1e-5f, $"row {i} value {j}");
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFileSystemEntries(_folder));
    }

    [TestMethod]
    public void AFailedSaveLeavesThePreviousFile()
    {
        var path = Path.Combine(_folder, "model.zip");
        File.WriteAllText(path, "old");
        using var flax = Packages.Ml.Transforms.ApplyFlaxModel("A", "A", Models.Mlp).Fit(Packages.Data);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => Packages.Ml.Model.SaveAtomically(flax, Packages.Data.Schema, path));

        StringAssert.StartsWith(e.Message, "mlContext.Model.Save stores a Flax model as ML.NET's OnnxTransformer");
        Assert.AreEqual("old", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFileSystemEntries(_folder));
    }
}
