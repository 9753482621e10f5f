using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Flax.Tests.Jit;

/// <summary>
/// The plan a traced <c>Apply</c> call runs by (remembered call, shared cached program, traced per call): a function
/// whose trace holds its call's random values is traced for every call, whatever the order in which its traces failed
/// or were cached.
/// </summary>
[TestClass]
public sealed class ApplyPlanTests
{
    /// <summary>Flax's <c>make_rng</c> in the root scope, derived independently of <c>PrngKey.FoldInStatic</c>
    /// (<c>flax/core/scope.py</c>, <c>_fold_in_static</c>): <c>fold_in(key, uint32(sha1(be_bytes(counter))[:4]))</c>.</summary>
    private static PrngKey RootMakeRng(PrngKey key, byte counter) =>
        key.FoldIn(BinaryPrimitives.ReadUInt32BigEndian(SHA1.HashData([counter])));

    private static Tensor OwnNoise(Scope s, Tensor x) => x + Prng.Normal(s.MakeRng("noise"), [2, 4]);

    [TestMethod]
    public void EachKeyGetsItsOwnNoiseWhenTheBatchAxisCannotBeDynamic()
    {
        // The noise's fixed shape (2, 4) does not broadcast against a dynamic batch axis: the dynamic trace fails and the
        // call is traced at its exact shapes, where the program holds that call's noise.
        var apply = Core.Apply(OwnNoise, device: Device.Cpu);
        var x = NDArray.Zeros(DType.Float32, 2, 4);
        var outputs = new List<float[]>();
        foreach (var seed in new[] { 3, 4, 5 })
        {
            var key = PrngKey.Create(seed);
            var y = apply(VariableDict.Empty, x, new Rngs(("noise", key))).ToArray<float>();
            CollectionAssert.AreEqual(Prng.Normal(RootMakeRng(key, 1), [2, 4]).ToArray<float>(), y, $"key {seed}");
            outputs.Add(y);
        }
        CollectionAssert.AreNotEqual(outputs[0], outputs[1]);
        CollectionAssert.AreNotEqual(outputs[1], outputs[2]);
    }

    [TestMethod]
    public void ARepeatedKeyAfterOthersStillGetsItsOwnNoise()
    {
        var apply = Core.Apply(OwnNoise, device: Device.Cpu);
        var x = NDArray.Ones(DType.Float32, 2, 4);
        foreach (var seed in new[] { 6, 7, 6 })
        {
            var key = PrngKey.Create(seed);
            var expected = Prng.Normal(RootMakeRng(key, 1), [2, 4]).ToArray<float>().Select(v => v + 1).ToArray();
            CollectionAssert.AreEqual(expected, apply(VariableDict.Empty, x, new Rngs(("noise", key))).ToArray<float>(), $"key {seed}");
        }
    }

    [TestMethod]
    public void ParametersCreatedInApplyComeFromEachCallsKey()
    {
        // Apply with "params" mutable creates the parameter from the call's key: each call's trace holds its own value.
        static Tensor Shifted(Scope s, Tensor x) => x + s.Param<Tensor>("shift", Initializers.Normal(1.0), [4]);
        var apply = Core.Apply(Shifted, mutable: "params", device: Device.Cpu);
        var x = NDArray.Zeros(DType.Float32, 3, 4);
        foreach (var seed in new[] { 3, 4, 3 })
        {
            var key = PrngKey.Create(seed);
            var shift = Initializers.Normal(1.0)(RootMakeRng(key, 1), [4], DType.Float32).ToArray<float>();
            var (y, created) = apply(VariableDict.Empty, x, key);
            CollectionAssert.AreEqual(shift, ((NDArray)created.Flatten()["params/shift"]).ToArray<float>(), $"key {seed}");
            CollectionAssert.AreEqual(Enumerable.Range(0, 3).SelectMany(_ => shift).ToArray(), y.ToArray<float>(), $"key {seed}");
        }
    }
}
