namespace Flax.Tests.Runtime;

/// <summary><see cref="DeviceLock"/>: one lock per CUDA device id, none for the CPU.</summary>
[TestClass]
public sealed class DeviceLockTests
{
    /// <summary>Whether <paramref name="second"/> is entered on another thread within <paramref name="wait"/> while
    /// <paramref name="first"/> is held here (a thread that is held back enters once it is released).</summary>
    private static bool EntersWhileHeld(Device first, Device second, TimeSpan wait)
    {
        using var entered = new ManualResetEventSlim();
        using (DeviceLock.Enter(first))
        {
            new Thread(() => { using (DeviceLock.Enter(second)) entered.Set(); }) { IsBackground = true }.Start();
            if (entered.Wait(wait)) return true;
        }
        Assert.IsTrue(entered.Wait(TimeSpan.FromSeconds(10)), "the other thread never entered after the release");
        return false;
    }

    [TestMethod]
    public void OneCudaDeviceIsEnteredByOneThreadAtATime() =>
        Assert.IsFalse(EntersWhileHeld(Device.Cuda(0), Device.Cuda(0), TimeSpan.FromMilliseconds(300)));

    [TestMethod]
    public void OtherCudaDevicesAndTheCpuAreNotHeldBack()
    {
        Assert.IsTrue(EntersWhileHeld(Device.Cuda(0), Device.Cuda(1), TimeSpan.FromSeconds(10)));
        Assert.IsTrue(EntersWhileHeld(Device.Cpu, Device.Cpu, TimeSpan.FromSeconds(10)));
    }

    [TestMethod]
    public void TheLockIsFreeAgainAfterDispose()
    {
        using (DeviceLock.Enter(Device.Cuda(2))) { }
        Assert.IsTrue(EntersWhileHeld(Device.Cpu, Device.Cuda(2), TimeSpan.FromSeconds(10)));
    }
}
