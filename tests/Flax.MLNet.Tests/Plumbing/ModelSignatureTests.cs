using Microsoft.ML;

namespace Flax.MLNet.Tests;

[TestClass]
public sealed class ModelSignatureTests
{
    private static readonly DataViewSchema Schema = new MLContext(seed: 0).Data.LoadFromEnumerable(InputRow.Make(1)).Schema;

    private static ModelSignature Signature(string column, params int[] rowShape) =>
        new([new ModelInput(column, rowShape)], "Score", [2]);

    [TestMethod]
    public void BindsAColumnOfTheInputsSize()
    {
        var binding = Signature("A", 3).Bind(Schema);

        Assert.AreEqual(Schema["A"], binding.InputColumns.Single());
        Assert.AreEqual(Schema.Count + 1, binding.OutputSchema.Count);
    }

    [TestMethod]
    public void AColumnWithOtherDimensionsButTheSameSizeFits()
    {
        var binding = Signature("A", 1, 3).Bind(Schema);

        Assert.AreEqual(Schema["A"], binding.InputColumns.Single());
    }

    [TestMethod]
    public void MissingColumn()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Signature("Features", 3).Bind(Schema));

        Assert.AreEqual("Could not find input column 'Features' for the Flax model; the input has columns: " +
            "Label, Name, A, B, Wide. (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    public void WrongItemType()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Signature("Wide", 3).Bind(Schema));

        Assert.AreEqual("Input column 'Wide' has type Vector<Double, 3>, but the Flax model expects Vector<Single, 3> " +
            "(row shape (3,)). (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    public void WrongSize()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Signature("A", 2, 2).Bind(Schema));

        Assert.AreEqual("Input column 'A' has type Vector<Single, 3>, but the Flax model expects Vector<Single, 2, 2> " +
            "(row shape (2, 2)). (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    public void ScalarColumn()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Signature("Label", 1).Bind(Schema));

        Assert.AreEqual("Input column 'Label' has type Single, but the Flax model expects Vector<Single, 1> " +
            "(row shape (1,)). (Parameter 'inputSchema')", e.Message);
    }
}
