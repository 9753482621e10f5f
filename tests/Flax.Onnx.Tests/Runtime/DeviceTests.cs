namespace Flax.Tests.Runtime;

[TestClass]
public sealed class DeviceTests
{
    [TestMethod]
    public void EqualityAndText()
    {
        Assert.AreEqual(Device.Cuda(1), Device.Cuda(1));
        Assert.AreNotEqual(Device.Cuda(0), Device.Cuda(1));
        Assert.AreNotEqual(Device.Cpu, Device.Auto);
        Assert.AreEqual("Auto Cpu Cuda(2)", $"{Device.Auto} {Device.Cpu} {Device.Cuda(2)}");
    }

    [TestMethod]
    public void ConcreteDevicesResolveToThemselves()
    {
        Assert.AreEqual(Device.Cpu, Device.Cpu.Resolve());
        Assert.AreEqual(Device.Cuda(3), Device.Cuda(3).Resolve());
        Assert.IsFalse(Device.Auto.Resolve().IsAuto);
    }

    [TestMethod]
    public void CudaIdOfANonCudaDeviceThrows()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Device.Cpu.CudaId);
        Assert.AreEqual("Cpu is not a CUDA device.", e.Message);
    }

    [TestMethod]
    public void NegativeCudaIdThrows()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Device.Cuda(-1));
    }
}
