namespace Flax.Tests.Random;

/// <summary>Key creation, fold_in, split (<c>jax/_src/random.py</c>) and Flax's FoldInStatic (<c>flax/core/scope.py</c>, <c>_fold_in_static</c>).</summary>
[TestClass]
public sealed class PrngKeyTests
{
    private static readonly PrngKey K0 = PrngKey.Create(0);

    /// <summary><c>test_prng_seeds_and_keys</c>: seed, x64 key, default (x32) key.</summary>
    [TestMethod]
    [DataRow(0L, 0u, 0u, 0u, 0u)]
    [DataRow(1L, 0u, 1u, 0u, 1u)]
    [DataRow(2L, 0u, 2u, 0u, 2u)]
    [DataRow(3L, 0u, 3u, 0u, 3u)]
    [DataRow(-1L, 4294967295u, 4294967295u, 0u, 4294967295u)]
    [DataRow(-3L, 4294967295u, 4294967293u, 0u, 4294967293u)]
    [DataRow(2147483747L, 0u, 2147483747u, 0u, 2147483747u)]
    [DataRow(2147483748L, 0u, 2147483748u, 0u, 2147483748u)]
    [DataRow(-2147483748L, 4294967295u, 2147483548u, 0u, 2147483548u)]
    [DataRow(-2147483749L, 4294967295u, 2147483547u, 0u, 2147483547u)]
    public void PrngSeedsAndKeys(long seed, uint x64Hi, uint x64Lo, uint hi, uint lo)
    {
        Assert.AreEqual(new PrngKey(x64Hi, x64Lo), PrngKey.Create(seed, enableX64: true));
        Assert.AreEqual(new PrngKey(hi, lo), PrngKey.Create(seed));
    }

    /// <summary>The rows of <c>test_prng_seeds_and_keys</c> with 32-bit seed dtypes: the same key in both modes.</summary>
    [TestMethod]
    [DataRow(1, 1u)]
    [DataRow(-2, 4294967294u)]
    [DataRow(2, 2u)]
    public void PrngSeedsAndKeysInt32(int seed, uint lo) => Assert.AreEqual(new PrngKey(0, lo), PrngKey.Create(seed));

    [TestMethod]
    [DataRow(0u, 0x6B200159u, 0x99BA4EFEu)]
    [DataRow(1u, 0x375F238Fu, 0xCDDB151Du)]
    [DataRow(4u, 0x883FFEC1u, 0x19DBC576u)]
    [DataRow(42u, 0xA7C2D0D4u, 0x06A4B7EDu)]
    [DataRow(0xFFFFFFFFu, 0x2C4E0437u, 0xE1E32D13u)]
    public void FoldInKey0(uint data, uint hi, uint lo) => Assert.AreEqual(new PrngKey(hi, lo), K0.FoldIn(data));

    [TestMethod]
    public void FoldInStatefulRngDoctest()
    {
        Assert.AreEqual(new PrngKey(1797259609, 2579123966), K0.FoldIn(0));
        Assert.AreEqual(new PrngKey(928981903, 3453687069), K0.FoldIn(1));
        Assert.AreEqual(new PrngKey(0x97D0552F, 0x51BF719F), PrngKey.Create(42).FoldIn(7));
    }

    [TestMethod]
    public void SplitPartitionable()
    {
        CollectionAssert.AreEqual(new[] { new PrngKey(0x6B200159, 0x99BA4EFE), new PrngKey(0x375F238F, 0xCDDB151D) }, K0.Split());
        CollectionAssert.AreEqual(
            new[] { new PrngKey(0x6B200159, 0x99BA4EFE), new PrngKey(0x375F238F, 0xCDDB151D), new PrngKey(0xF71F4EA9, 0xA20E4081) },
            K0.Split(3));
        CollectionAssert.AreEqual(new[] { new PrngKey(0x6D3E048F, 0x1022172D), new PrngKey(0x03D7B32D, 0xADD083F4) }, PrngKey.Create(42).Split());
        CollectionAssert.AreEqual(
            new[]
            {
                new PrngKey(0x6B200159, 0x99BA4EFE), new PrngKey(0x375F238F, 0xCDDB151D), new PrngKey(0xF71F4EA9, 0xA20E4081),
                new PrngKey(0x9312778B, 0xE4E8DFBE), new PrngKey(0x883FFEC1, 0x19DBC576), new PrngKey(0x5ADB10DE, 0x7085799D),
            },
            K0.Split(6));
        Assert.IsEmpty(K0.Split(0));
    }

    /// <summary><c>test_threefry_split_fold_in_symmetry</c>.</summary>
    [TestMethod]
    public void ThreefrySplitFoldInSymmetry()
    {
        var key = PrngKey.Create(72);
        var keys = key.Split(8);
        for (uint i = 0; i < keys.Length; i++) Assert.AreEqual(key.FoldIn(i), keys[i]);
    }

    [TestMethod]
    public void SplitRejectsNegativeCount()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => K0.Split(-1));
        Assert.AreEqual("num ('-1') must be a non-negative value. (Parameter 'num')\nActual value was -1.", e.Message);
    }

    /// <summary><c>_fold_in_static</c>: <c>fold_in(K0, hash_int)</c> for Flax suffixes (no separator).</summary>
    [TestMethod]
    public void FoldInStaticGoldenKeys()
    {
        Assert.AreEqual(new PrngKey(0x5527B11E, 0xC7BE436D), K0.FoldInStatic(1));
        Assert.AreEqual(new PrngKey(0xCE090F83, 0xE6DBBEC3), K0.FoldInStatic(2));
        Assert.AreEqual(new PrngKey(0xC1E69484, 0x60CAA949), K0.FoldInStatic("dense_0", 1));
        Assert.AreEqual(new PrngKey(0xE7E8A1E6, 0x9BB76009), K0.FoldInStatic("dense_0", 2));
        Assert.AreEqual(new PrngKey(0x6AABEADC, 0x80BB16E4), K0.FoldInStatic("f_0", 1));
        Assert.AreEqual(new PrngKey(0x59D23E55, 0x256FCDFB), K0.FoldInStatic("f_0", 2));
        Assert.AreEqual(new PrngKey(0xEEE21CAA, 0xE03AF920), K0.FoldInStatic("ab", "c"));
        Assert.AreEqual(new PrngKey(0xEEE21CAA, 0xE03AF920), K0.FoldInStatic("a", "bc"));
        Assert.AreEqual(new PrngKey(0x4143A815, 0x4A0C275B), K0.FoldInStatic("a", "b", 1));
    }

    /// <summary>The hash_int columns of Appendix A: with and without Flax's separator.</summary>
    [TestMethod]
    [DataRow(0xBF8B4530u, 0x3F295464u, new object[] { 1 })]
    [DataRow(0xC4EA21BBu, 0x9AC521E3u, new object[] { 2 })]
    [DataRow(0x5DE66EFEu, 0xF50BF109u, new object[] { "dense_0", 1 })]
    [DataRow(0xF995010Du, 0x64351499u, new object[] { "dense_0", 2 })]
    [DataRow(0x7E147E85u, 0x75AFCB5Du, new object[] { "f_0", 1 })]
    [DataRow(0x2CED4EACu, 0x56FCB8CBu, new object[] { "f_0", 2 })]
    [DataRow(0xA9993E36u, 0x4494D3B0u, new object[] { "ab", "c" })]
    [DataRow(0xA9993E36u, 0x7C104DD7u, new object[] { "a", "bc" })]
    [DataRow(0xA3538C90u, 0x7E83DD75u, new object[] { "a", "b", 1 })]
    public void FoldInStaticHashes(uint plain, uint separated, object[] parts)
    {
        Assert.AreEqual(K0.FoldIn(plain), K0.FoldInStatic(parts, separator: false));
        Assert.AreEqual(K0.FoldIn(separated), K0.FoldInStatic(parts, separator: true));
    }

    [TestMethod]
    public void FoldInStaticHashesIntegersAsMinimalBigEndianBytes()
    {
        Assert.AreEqual(K0, K0.FoldInStatic());
        Assert.AreEqual(K0.FoldInStatic("x"), K0.FoldInStatic("x", 0));        // 0 adds no bytes
        Assert.AreEqual(K0.FoldInStatic(256), K0.FoldInStatic(256L));
        Assert.AreEqual(K0.FoldInStatic(1, 0), K0.FoldInStatic((byte)1));
        Assert.AreEqual(K0.FoldInStatic(ulong.MaxValue), K0.FoldInStatic(new System.Numerics.BigInteger(ulong.MaxValue)));
        Assert.AreNotEqual(K0.FoldInStatic(256), K0.FoldInStatic(1));
    }

    [TestMethod]
    public void FoldInStaticRejectsOtherParts()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => K0.FoldInStatic(1.5));
        Assert.AreEqual("Expected int or string, got: 1.5 (Parameter 'part')", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => K0.FoldInStatic("a", -3));
        Assert.AreEqual("Expected a non-negative integer to fold into a PRNG key, got: -3. (Parameter 'part')", e.Message);
    }

    [TestMethod]
    public void ToStringPrintsKeyData() => Assert.AreEqual("[0 42]", PrngKey.Create(42).ToString());
}
