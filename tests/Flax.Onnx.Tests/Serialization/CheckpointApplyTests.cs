namespace Flax.Tests.Serialization;

/// <summary>
/// A Flax checkpoint drives a traced model: the MLP of tests/fixtures/make_flax_checkpoints.py, restored into the
/// model's own variable structure and run with <c>Core.Apply</c>, gives numpy's float32 logits for the same file.
/// </summary>
[TestClass]
public sealed class CheckpointApplyTests
{
    private static Tensor Mlp(Scope scope, Tensor x) =>
        Flax.Nn.Dense(scope.Push("Dense_1"), Flax.Nn.Relu(Flax.Nn.Dense(scope.Push("Dense_0"), x, features: 8)), features: 3);

    [TestMethod]
    public void RestoredMlpMatchesNumpy()
    {
        var target = Core.LazyInit(Mlp)(PrngKey.Create(0), new TensorSpec(DType.Float32, 1, 4));
        var variables = FlaxCheckpoint.Restore(target, FlaxCheckpoint.Read(ExpectedValues.Fixture("mlp.msgpack")));
        var io = FlaxCheckpoint.Read(ExpectedValues.Fixture("mlp_io.msgpack"));

        var logits = Core.Apply(Mlp)(variables, (NDArray)io["x"]);

        var expected = (NDArray)io["logits"];
        CollectionAssert.AreEqual(expected.Shape, logits.Shape);
        // float32 matmuls summed in another order: a few ulp of logits of order 1.
        foreach (var (e, a) in expected.ToArray<float>().Zip(logits.ToArray<float>()))
            Assert.AreEqual(e, a, 1e-5f + 1e-5f * Math.Abs(e));
    }

    [TestMethod]
    public void RestoreRejectsAnotherModelsCheckpoint()
    {
        var target = Core.LazyInit(Mlp)(PrngKey.Create(0), new TensorSpec(DType.Float32, 1, 5));

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.Restore(target, FlaxCheckpoint.Read(ExpectedValues.Fixture("mlp.msgpack"))));

        Assert.AreEqual(
            "The checkpoint does not fit the target variables: 0 missing keys, 0 unexpected keys, 1 mismatched leaf.\n" +
            "  \"params/Dense_0/kernel\": shape (5, 8) in the target, (4, 8) in the checkpoint", e.Message);
    }
}
