namespace Flax.Tests.Serialization;

/// <summary>
/// A checkpoint written by real Flax (<c>flax.training.checkpoints.save_checkpoint</c> in a public JAX/Flax tutorial,
/// tests/fixtures/checkpoints/LogisticRegression_10.ckpt; MIT, see LogisticRegression_10.NOTICE.md): the TrainState
/// pattern <c>{"params": ..., "batch_stats": None}</c> of a model without batch norm.
/// </summary>
[TestClass]
public sealed class FlaxRealCheckpointTests
{
    private const string Fixture = "LogisticRegression_10.ckpt";

    private static Tensor Classifier(Scope scope, Tensor x) => Flax.Nn.Dense(scope.Push("Dense_0"), x, features: 10);

    [TestMethod]
    public void ReadsTheTutorialsCheckpoint()
    {
        var loaded = FlaxCheckpoint.Read(ExpectedValues.Fixture(Fixture));

        CollectionAssert.AreEqual(new[] { "params", "batch_stats" }, loaded.Keys.ToArray());
        Assert.AreSame(NoneLeaf.Value, loaded["batch_stats"]);
        var dense = (VariableDict)((VariableDict)loaded["params"])["Dense_0"];
        CollectionAssert.AreEqual(new[] { "bias", "kernel" }, dense.Keys.ToArray(), "the sorted order jax returns dicts in");
        CollectionAssert.AreEqual(new[] { 512, 10 }, ((NDArray)dense["kernel"]).Shape);
        CollectionAssert.AreEqual(new[] { 10 }, ((NDArray)dense["bias"]).Shape);
        Assert.AreEqual(DType.Float32, ((NDArray)dense["kernel"]).DType);
    }

    [TestMethod]
    public void RoundTripsByteForByte()
    {
        var original = ExpectedValues.Fixture(Fixture);

        CollectionAssert.AreEqual(original, FlaxCheckpoint.ToBytes(FlaxCheckpoint.Read(original)));
    }

    /// <summary>The restored params drive <c>Nn.Dense</c> at (512 -> 10): the logits equal <c>x W + b</c> summed in
    /// float64 from the file's float32 values, within 1e-5 relative (float32 sums of 512 terms of order 1).</summary>
    [TestMethod]
    public void ParamsApplyWithDense()
    {
        var target = Core.LazyInit(Classifier)(PrngKey.Create(0), new TensorSpec(DType.Float32, 1, 512));
        var variables = FlaxCheckpoint.Restore(target, FlaxCheckpoint.Read(ExpectedValues.FixturePath(Fixture)));
        var random = new System.Random(17);
        var input = Enumerable.Range(0, 3 * 512).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        var logits = Core.Apply(Classifier)(variables, NDArray.From(input, 3, 512));

        CollectionAssert.AreEqual(new[] { 3, 10 }, logits.Shape);
        var flat = variables.Flatten();
        var w = ((NDArray)flat["params/Dense_0/kernel"]).ToArray<float>();
        var b = ((NDArray)flat["params/Dense_0/bias"]).ToArray<float>();
        var actual = logits.ToArray<float>();
        for (int n = 0; n < 3; n++)
            for (int j = 0; j < 10; j++)
            {
                double expected = b[j] + Enumerable.Range(0, 512).Sum(i => (double)input[n * 512 + i] * w[i * 10 + j]);
                double scale = b.Select(Math.Abs).Max() + Enumerable.Range(0, 512).Sum(i => Math.Abs((double)input[n * 512 + i] * w[i * 10 + j]));
                Assert.IsTrue(Math.Abs(actual[n * 10 + j] - expected) <= 1e-5 * scale, $"logit ({n}, {j}): {actual[n * 10 + j]} vs {expected}");
            }
    }
}
