using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>Misuse of the estimator and transformer: null arguments, rows that break their column's size, a CUDA device
/// on a machine without one. Each gets .NET's or our clear error, never a NullReferenceException or garbage scores.</summary>
[TestClass]
public sealed class ArgumentErrorTests
{
    private static readonly MLContext Ml = new(seed: 0);
    private static readonly IDataView Data = Ml.Data.LoadFromEnumerable(InputRow.Make(6));

    /// <summary>A row whose array may break the size its attribute declares (ML.NET does not check it).</summary>
    public sealed class DeclaredRow
    {
        [VectorType(3)]
        public float[] A { get; set; } = [];
    }

    [TestMethod]
    public void NullArgumentsThrowArgumentNullException()
    {
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).Fit(Data);
        Assert.AreEqual("Value cannot be null. (Parameter 'input')", Assert.ThrowsExactly<ArgumentNullException>(() => flax.Transform(null!)).Message);
        Assert.AreEqual("Value cannot be null. (Parameter 'inputSchema')",
            Assert.ThrowsExactly<ArgumentNullException>(() => flax.GetOutputSchema(null!)).Message);
        Assert.AreEqual("Value cannot be null. (Parameter 'inputSchema')",
            Assert.ThrowsExactly<ArgumentNullException>(() => flax.GetRowToRowMapper(null!)).Message);
        Assert.AreEqual("Value cannot be null. (Parameter 'inputSchema')",
            Assert.ThrowsExactly<ArgumentNullException>(() => Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).GetOutputSchema(null!)).Message);
        var e = Assert.ThrowsExactly<ArgumentNullException>(() => new FlaxModelOptions { Device = null! });
        Assert.AreEqual("FlaxModelOptions.Device must be a Device (Device.Auto, Device.Cpu or Device.Cuda(id)). (Parameter 'Device')", e.Message);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(4)]
    public void ARowWhoseVectorBreaksItsDeclaredSizeThrows(int length)
    {
        using var flax = Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp).Fit(Data);
        var row = new DeclaredRow { A = new float[length] };
        string expected = $"Input column 'A' holds a vector of {length} values in this row, but its type and the Flax model say 3.";

        var engine = Ml.Model.CreatePredictionEngine<DeclaredRow, OutputRow>(flax);
        Assert.AreEqual(expected, Assert.ThrowsExactly<InvalidOperationException>(() => engine.Predict(row)).Message);
        var view = flax.Transform(Ml.Data.LoadFromEnumerable([new DeclaredRow { A = [1, 2, 3] }, row]));
        // A cursor names the row it read.
        Assert.AreEqual(expected.Replace("in this row", "in row 1"),
            Assert.ThrowsExactly<InvalidOperationException>(() => view.GetColumn<float[]>("Score").ToArray()).Message);
    }

    [TestMethod]
    public void CudaWithoutTheGpuPackageThrowsDeviceUnavailable()
    {
        // The test project references the CPU-only native package, which has no CUDA entry point.
        var estimator = Ml.Transforms.ApplyFlaxModel("Score", "A", Models.Mlp, new FlaxModelOptions { Device = Device.Cuda(0) });
        var e = Assert.ThrowsExactly<DeviceUnavailableException>(() => estimator.Fit(Data));
        Assert.AreEqual(
            "Cuda(0) is unavailable (EntryPointNotFoundException: Unable to find an entry point named " +
            "'OrtSessionOptionsAppendExecutionProvider_CUDA' in shared library 'onnxruntime'.). Reference " +
            "Microsoft.ML.OnnxRuntime.Gpu (and nothing else) with the CUDA libraries it was built for, or use " +
            "Device.Auto to fall back to the CPU.", e.Message);
    }
}
