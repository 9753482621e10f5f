using Flax.Tests.Nn.Reference;

namespace Flax.Tests.Nn;

[TestClass]
public sealed class DropoutTests
{
    private static readonly PrngKey Key0 = PrngKey.Create(0);
    private static readonly PrngKey Key1 = PrngKey.Create(1);

    /// <summary>
    /// <c>jax.random.bernoulli(key, p, shape)</c> written out from threefry2x32: element i keeps when the float made of
    /// the top 23 bits of <c>y0 ^ y1</c> (<c>threefry(key, 0, i)</c>) lies below <c>float32(p)</c>.
    /// </summary>
    internal static bool[] Bernoulli(PrngKey key, double p, int size) => [.. Enumerable.Range(0, size).Select(i =>
    {
        var (y0, y1) = Threefry.Hash(key.Hi, key.Lo, 0, (uint)i);
        return BitConverter.UInt32BitsToSingle(((y0 ^ y1) >> 9) | 0x3F800000u) - 1f < (float)p;
    })];

    private static NDArray Masked(NDArray x, bool[] keep, double rate) =>
        NDArray.From(x.ToArray<float>().Select((v, i) => keep[i] ? v / (float)(1 - rate) : 0f).ToArray(), x.Shape);

    [TestMethod]
    public void DropoutMaskEqualsJaxBernoulliFromTheDropoutSequence()
    {
        var x = TestData.Normal(1, 4, 5);
        var rngs = new Rngs(("params", Key0), ("dropout", Key1));
        var (y, _) = Evaluated.Init((s, xs) => Flax.Nn.Dropout(s.Push("drop"), xs[0], 0.3), rngs, x);
        var keep = Bernoulli(Key1.FoldInStatic("drop", 1), 0.7, 20);
        Assert.IsTrue(keep.Count(k => !k) is > 0 and < 20);
        TestData.AssertClose(Masked(x, keep, 0.3), y, 0, 0);
    }

    [TestMethod]
    public void DropoutFallsBackToTheParamsSequence()
    {
        var x = TestData.Normal(2, 3, 4);
        var (y, _) = Evaluated.Init((s, xs) => Flax.Nn.Dropout(s, xs[0], 0.5), Key0, x);
        TestData.AssertClose(Masked(x, Bernoulli(Key0.FoldInStatic(1), 0.5, 12), 0.5), y, 0, 0);
    }

    [TestMethod]
    public void DropoutUsesAGivenKeyAndDrawsAgainOnEachCall()
    {
        var x = TestData.Normal(3, 2, 6);
        var (y, _) = Evaluated.Init((s, xs) => Flax.Nn.Dropout(s, xs[0], 0.4, rng: Key1), Key0, x);
        TestData.AssertClose(Masked(x, Bernoulli(Key1, 0.6, 12), 0.4), y, 0, 0);
        var (twice, _) = Evaluated.Init((s, xs) => Flax.Nn.Dropout(s, xs[0], 0.4) - Flax.Nn.Dropout(s, xs[0], 0.4), Key0, x);
        Assert.IsTrue(twice.ToArray<float>().Any(v => v != 0));
    }

    [TestMethod]
    public void DeterministicOrZeroRateReturnsTheInput()
    {
        var x = TestData.Normal(4, 2, 3);
        var (y1, _) = Evaluated.Apply((s, xs) => Flax.Nn.Dropout(s, xs[0], 0.5, deterministic: true), VariableDict.Empty, null, null, x);
        var (y2, _) = Evaluated.Apply((s, xs) => Flax.Nn.Dropout(s, xs[0], 0.0), VariableDict.Empty, null, null, x);
        TestData.AssertClose(x, y1, 0, 0);
        TestData.AssertClose(x, y2, 0, 0);
    }

    [TestMethod]
    public void DropoutWithoutAnyRngThrows()
    {
        var e = Assert.ThrowsExactly<InvalidRngException>(() =>
            Evaluated.Apply((s, xs) => Flax.Nn.Dropout(s.Push("drop"), xs[0], 0.5), VariableDict.Empty, null, null, TestData.Normal(1, 2)));
        Assert.AreEqual("drop needs PRNG for \"dropout\" (.NET: pass new Rngs((\"dropout\", key)) to Core.Apply, or rngs: to the Trainer)", e.Message);
    }
}
