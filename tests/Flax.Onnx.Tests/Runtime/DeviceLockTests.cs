namespace Flax.Tests.Runtime;

/// <summary><see cref="DeviceLock"/>: one lock per CUDA device id, none for the CPU.</summary>
[TestClass]
public sealed class DeviceLockTests
{
    /// <summary>Whether <paramref name="second"/> can be entered on another thread while <paramref name="first"/> is
    /// held here.</summary>
    private static bool EntersWhileHeld(Device first, Device second)
    {
        using var entered = new ManualResetEventSlim();
        using (DeviceLock.Enter(first))
        {
            new Thread(() => { using (DeviceLock.Enter(second)) entered.Set(); }) { IsBackground = true }.Start();
            if (entered.Wait(TimeSpan.FromMilliseconds(300))) return true;
        }
        Assert.IsTrue(entered.Wait(TimeSpan.FromSeconds(10)), "the other thread never entered after the release");
        return false;
    }

    [TestMethod]
    public void OneCudaDeviceIsEnteredByOneThreadAtATime() => Assert.IsFalse(EntersWhileHeld(Device.Cuda(0), Device.Cuda(0)));

    [TestMethod]
    public void OtherCudaDevicesAndTheCpuAreNotHeldBack()
    {
        Assert.IsTrue(EntersWhileHeld(Device.Cuda(0), Device.Cuda(1)));
        Assert.IsTrue(EntersWhileHeld(Device.Cpu, Device.Cpu));
    }

    [TestMethod]
    public void TheLockIsFreeAgainAfterDispose()
    {
        using (DeviceLock.Enter(Device.Cuda(2))) { }
        Assert.IsTrue(EntersWhileHeld(Device.Cpu, Device.Cuda(2)));
    }
}
