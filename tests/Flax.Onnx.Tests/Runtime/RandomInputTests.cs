using Flax.Tests.Nn;

namespace Flax.Tests.Runtime;

/// <summary>
/// Random values drawn from <c>make_rng</c> keys (dropout masks) are program inputs drawn on the host for every run from
/// that run's key: a traced <c>Apply</c> with rngs is traced once for every key and batch size, and its masks equal
/// <c>jax.random.bernoulli</c> of the Flax-derived key at the concrete shape.
/// </summary>
[TestClass]
public sealed class RandomInputTests
{
    private static readonly PrngKey Key1 = PrngKey.Create(1);
    private static readonly PrngKey Key7 = PrngKey.Create(7);

    private static NDArray Input(int rows) =>
        NDArray.From(Enumerable.Range(0, rows * 4).Select(i => 1f + i).ToArray(), rows, 4);

    /// <summary>The kept elements of a dropout output with rate 0.5 (kept ones are doubled, dropped ones zero).</summary>
    private static bool[] Kept(NDArray x, NDArray y)
    {
        var (input, output) = (x.ToArray<float>(), y.ToArray<float>());
        for (int i = 0; i < input.Length; i++)
            Assert.IsTrue(output[i] == 0 || output[i] == 2 * input[i], $"element {i}: {output[i]} is neither 0 nor {2 * input[i]}");
        return [.. output.Select(v => v != 0)];
    }

    [TestMethod]
    public void TheMaskIsJaxBernoulliOfTheFlaxKeyAtTheRunsShape()
    {
        static Tensor Model(Scope s, Tensor x) => Flax.Nn.Dropout(s.Push("drop"), x, 0.5);
        var apply = Core.Apply(Model, device: Device.Cpu);
        foreach (var rows in new[] { 5, 3 })
        {
            var x = Input(rows);
            var kept = Kept(x, apply(VariableDict.Empty, x, new Rngs(("dropout", Key1))));
            var key = Key1.FoldInStatic("drop", 1);
            CollectionAssert.AreEqual(DropoutTests.Bernoulli(key, 0.5, rows * 4), kept, $"{rows} rows");
            CollectionAssert.AreEqual(Prng.Bernoulli(key, 0.5, [rows, 4]).ToArray<bool>(), kept, $"{rows} rows");
        }
    }

    [TestMethod]
    public void TwoKeysAndTwoBatchSizesShareOneTraceAndOneSession()
    {
        int traces = 0;
        Func<Scope, Tensor, Tensor> model = (s, x) =>
        {
            Interlocked.Increment(ref traces);
            return Flax.Nn.Dropout(s, Flax.Nn.Dropout(s, x, 0.5), 0.5);
        };
        var apply = Core.Apply(model, device: Device.Cpu);
        var masks = new List<bool[]>();
        foreach (var (key, rows) in new[] { (Key1, 6), (Key7, 6), (Key1, 2), (Key7, 2) })
        {
            var y = apply(VariableDict.Empty, Input(rows), new Rngs(("dropout", key)));
            var expected = Prng.Bernoulli(key.FoldInStatic(1), 0.5, [rows, 4]).ToArray<bool>()
                .Zip(Prng.Bernoulli(key.FoldInStatic(2), 0.5, [rows, 4]).ToArray<bool>(), (a, b) => a && b).ToArray();
            CollectionAssert.AreEqual(expected, y.ToArray<float>().Select(v => v != 0).ToArray(), $"key {key}, {rows} rows");
            masks.Add(expected);
        }
        Assert.AreEqual(1, traces);
        Assert.AreEqual(1, ModelCache.CountFor(model));
        CollectionAssert.AreNotEqual(masks[0], masks[1]);
    }

    [TestMethod]
    public void AFunctionUsingAKeysValueIsTracedForEachCall()
    {
        // The key's value shapes a constant of the trace (noise drawn on the host), so each call is traced anew.
        int traces = 0;
        Func<Scope, Tensor, Tensor> model = (s, x) =>
        {
            Interlocked.Increment(ref traces);
            return x + Prng.Normal(s.MakeRng("noise"), [4], DType.Float32);
        };
        var apply = Core.Apply(model, device: Device.Cpu);
        var x = Input(2);
        foreach (var key in new[] { Key1, Key7 })
        {
            var noise = Prng.Normal(key.FoldInStatic(1), [4], DType.Float32).ToArray<float>();
            var expected = x.ToArray<float>().Select((v, i) => v + noise[i % 4]).ToArray();
            CollectionAssert.AreEqual(expected, apply(VariableDict.Empty, x, new Rngs(("noise", key))).ToArray<float>(), $"key {key}");
        }
        Assert.AreEqual(2, traces);
    }

    [TestMethod]
    public void TraceRecordsOneRandomInputPerMaskWithTheFlaxSuffix()
    {
        static Tensor Model(Scope s, Tensor x) => Flax.Nn.Dropout(s.Push("drop"), x, 0.25);
        var rngs = new Rngs(("params", Key7), ("dropout", Key1));
        var traced = ScopeTracer.Trace(ScopeFunction.Of(Model), [new TensorSpec(DType.Float32, -1, 4)], VariableDict.Empty, rngs, null, null, randomPerRun: true);
        var input = traced.RandomInputs.Single();
        Assert.AreEqual("rng:dropout/drop/1", input.Name);
        CollectionAssert.AreEqual(new[] { "x", "rng:dropout/drop/1" }, traced.InputNames.ToArray());
        Assert.AreEqual(new TensorSpec(DType.Bool, -1, 4), input.Spec);
        Assert.IsFalse(traced.DrawsKeys);
        Assert.AreEqual(Key7.FoldInStatic("drop", 1), input.Key(new Rngs(("dropout", Key7))));
        CollectionAssert.AreEqual(Prng.Bernoulli(Key7.FoldInStatic("drop", 1), 0.75, [3, 4]).ToArray<bool>(),
            input.Value(new Rngs(("dropout", Key7)), 3).ToArray<bool>());
    }
}
