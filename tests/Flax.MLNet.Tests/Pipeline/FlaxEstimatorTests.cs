using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>The estimator's schema checks and the errors a user sees for a pipeline that cannot feed the model.</summary>
[TestClass]
public sealed class FlaxEstimatorTests
{
    private static readonly MLContext Ml = new(seed: 0);
    private static readonly IDataView Data = Ml.Data.LoadFromEnumerable(InputRow.Make(4));

    private static FlaxEstimator Estimator(string input, FlaxModelOptions? options = null) =>
        Ml.Transforms.ApplyFlaxModel("Score", input, Models.Mlp, options);

    [TestMethod]
    public void OutputSchemaAddsAVectorOfSingle()
    {
        var shape = Estimator("A").GetOutputSchema(Schemas.ShapeOf(Data.Schema));

        var score = shape.Single(c => c.Name == "Score");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.AreEqual(NumberDataViewType.Single, score.ItemType);
        Assert.HasCount(Data.Schema.Count + 1, shape);
    }

    [TestMethod]
    public void MissingColumn()
    {
        var expected = "Could not find input column 'Features' for the Flax model; the input has columns: " +
            "Label, Name, A, B, Wide. (Parameter 'inputSchema')";

        var e1 = Assert.ThrowsExactly<ArgumentException>(() => Estimator("Features").GetOutputSchema(Schemas.ShapeOf(Data.Schema)));
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => Estimator("Features").Fit(Data));

        Assert.AreEqual(expected, e1.Message);
        Assert.AreEqual(expected, e2.Message);
    }

    private const string Supported = "Single, Key<UInt32> (MapValueToKey), UInt32, Int32, Int64 or Boolean. ";

    [TestMethod]
    public void WrongType()
    {
        var e1 = Assert.ThrowsExactly<ArgumentException>(() => Estimator("Wide").GetOutputSchema(Schemas.ShapeOf(Data.Schema)));
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => Estimator("Wide").Fit(Data));
        var e3 = Assert.ThrowsExactly<ArgumentException>(() => Estimator("Label").Fit(Data));

        Assert.AreEqual("Input column 'Wide' is a vector of Double, but the Flax model expects a known-size vector of " + Supported +
            "(Parameter 'inputSchema')", e1.Message);
        Assert.AreEqual("Input column 'Wide' is of type Vector<Double, 3>, but the Flax model expects a known-size vector of " + Supported +
            "(Parameter 'inputSchema')", e2.Message);
        Assert.AreEqual("Input column 'Label' is of type Single, but the Flax model expects a known-size vector of " + Supported +
            "(Parameter 'inputSchema')", e3.Message);
    }

    [TestMethod]
    public void WrongSize()
    {
        var estimator = Estimator("A", new FlaxModelOptions { InputShapes = [[2, 2]] });

        var e = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(Data));

        Assert.AreEqual("Input column 'A' has type Vector<Single, 3>, but the Flax model expects Vector<Single, 2, 2> " +
            "(row shape (2, 2)). (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    public void FittedTransformerRefusesAnotherSchema()
    {
        using var flax = Estimator("A").Fit(Data);

        var e = Assert.ThrowsExactly<ArgumentException>(() => flax.Transform(Ml.Transforms.Concatenate("A", "B").Fit(Data).Transform(Data)));

        Assert.AreEqual("Input column 'A' has type Vector<Single, 2>, but the Flax model expects Vector<Single, 3> " +
            "(row shape (3,)). (Parameter 'inputSchema')", e.Message);
    }

    [TestMethod]
    public void InputShapesMustMatchTheInputColumns()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Estimator("A", new FlaxModelOptions { InputShapes = [[3], [2]] }));

        Assert.AreEqual("FlaxModelOptions.InputShapes has 2 shapes for 1 input columns (A). (Parameter 'options')", e.Message);
    }

    [TestMethod]
    public void InputShapesArePositive()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Estimator("A", new FlaxModelOptions { InputShapes = [[3, 0]] }));

        Assert.AreEqual("FlaxModelOptions.InputShapes holds (3, 0); a row shape lists positive sizes. (Parameter 'options')", e.Message);
    }

    [TestMethod]
    public void CatalogRefusesMissingArguments()
    {
        var e1 = Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.ApplyFlaxModel("Score", "", Models.Mlp));
        var e2 = Assert.ThrowsExactly<ArgumentNullException>(() => Ml.Transforms.ApplyFlaxModel("Score", "A", (Func<Scope, Tensor, Tensor>)null!));

        Assert.AreEqual("The value cannot be an empty string. (Parameter 'inputColumnName')", e1.Message);
        Assert.AreEqual("Value cannot be null. (Parameter 'model')", e2.Message);
    }

    [TestMethod]
    public void BatchSizeIsPositive()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FlaxModelOptions { BatchSize = 0 });

        Assert.AreEqual("A batch holds at least one row. (Parameter 'BatchSize')\nActual value was 0.", e.Message);
    }

    [TestMethod]
    public void ModelWhoseOutputDropsTheBatchAxis()
    {
        var estimator = Ml.Transforms.ApplyFlaxModel("Score", "A", (scope, x) => x.Sum(0));

        var e = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(Data));

        Assert.AreEqual("The Flax model returns float32(3,) for inputs (None, 3); ML.NET scoring needs float32 with one " +
            "output row per input row, shape (None, ...). (Parameter 'model')", e.Message);
    }
}
