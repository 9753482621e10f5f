namespace Flax.Tests.Runtime;

[TestClass]
public sealed class ReferenceCountTests
{
    [TestMethod]
    public void TheLastReleaseFreesAndNoReferenceIsTakenAfterIt()
    {
        int count = 1;
        Assert.IsTrue(ReferenceCount.TryAcquire(ref count));
        Assert.AreEqual(2, count);
        Assert.IsFalse(ReferenceCount.Release(ref count));
        Assert.IsTrue(ReferenceCount.Release(ref count));
        Assert.AreEqual(0, count);
        Assert.IsFalse(ReferenceCount.TryAcquire(ref count));
        Assert.AreEqual(0, count);
    }

    [TestMethod]
    public void ConcurrentAcquiresAndReleasesBalance()
    {
        int count = 1;
        Parallel.For(0, 10_000, _ =>
        {
            Assert.IsTrue(ReferenceCount.TryAcquire(ref count));
            Assert.IsFalse(ReferenceCount.Release(ref count));
        });
        Assert.AreEqual(1, count);
        Assert.IsTrue(ReferenceCount.Release(ref count));
    }
}
