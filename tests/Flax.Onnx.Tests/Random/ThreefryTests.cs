namespace Flax.Tests.Random;

/// <summary>Random123 known-answer vectors (JAX's <c>test_threefry2x32_kat_vectors</c>).</summary>
[TestClass]
public sealed class ThreefryTests
{
    [TestMethod]
    [DataRow(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6B200159u, 0x99BA4EFEu)]
    [DataRow(0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0x1CB996FCu, 0xBB002BE7u)]
    [DataRow(0x13198A2Eu, 0x03707344u, 0x243F6A88u, 0x85A308D3u, 0xC4923A9Cu, 0x483DF7A0u)]
    public void Threefry2x32KatVectors(uint k0, uint k1, uint x0, uint x1, uint y0, uint y1) =>
        Assert.AreEqual((y0, y1), Threefry.Hash(k0, k1, x0, x1));
}
