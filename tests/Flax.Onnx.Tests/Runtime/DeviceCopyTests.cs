using Microsoft.ML.OnnxRuntime;

namespace Flax.Tests.Runtime;

/// <summary>
/// <see cref="DeviceCopy"/>: the Identity run whose output ONNX Runtime writes to host memory. Here it runs on the CPU,
/// which checks the binding and every dtype's round trip; on a GPU, tests/Flax.GpuCheck reads CUDA values through it.
/// </summary>
[TestClass]
public sealed class DeviceCopyTests
{
    public static IEnumerable<object[]> DTypes =>
        [.. new[] { DType.Float32, DType.Float64, DType.Float16, DType.Int8, DType.Int32, DType.Int64, DType.UInt8, DType.Bool }
            .Select(dtype => new object[] { dtype })];

    [TestMethod]
    [DynamicData(nameof(DTypes))]
    public void CopiesEveryValueAndTheShape(DType dtype)
    {
        // Any bytes (0 and 1 for bool): the copy moves them unchanged.
        var bytes = Enumerable.Range(0, 6 * dtype.ItemSize()).Select(i => (byte)(dtype == DType.Bool ? i % 2 : 37 * i + 11)).ToArray();
        var source = NDArray.FromBytes(dtype, [2, 1, 3], bytes);
        using var copy = new DeviceCopy(Device.Cpu);
        using var value = OnnxSession.Pin(source, out var pin);
        using (pin)
        {
            var host = copy.ToHost(value);
            Assert.AreEqual(dtype, host.DType);
            CollectionAssert.AreEqual(new[] { 2, 1, 3 }, host.Shape);
            CollectionAssert.AreEqual(source.Buffer, host.Buffer);
            Assert.AreNotSame(source.Buffer, host.Buffer);
        }
    }

    [TestMethod]
    public void CopyAfterDisposeThrows()
    {
        var copy = new DeviceCopy(Device.Cpu);
        copy.Dispose();
        using var value = OrtValue.CreateTensorValueFromMemory([1f], [1]);
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => copy.ToHost(value));
        Assert.AreEqual("Cannot access a disposed object.\nObject name: 'Flax.DeviceCopy'.", e.Message);
    }
}
