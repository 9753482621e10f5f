using Flax.Tests.Scopes;

namespace Flax.Tests.Serialization;

/// <summary><see cref="FlaxCheckpoint.Restore"/>: Flax's <c>from_state_dict</c>, with every misfit listed by path.</summary>
[TestClass]
public sealed class CheckpointRestoreTests
{
    private static VariableDict Dense(int inputs, int features, DType dtype = DType.Float32) => new(
        ("kernel", NDArray.Zeros(dtype, inputs, features)),
        ("bias", NDArray.Zeros(dtype, features)));

    [TestMethod]
    public void Restore_TakesLoadedLeavesInTargetOrder()
    {
        var target = new VariableDict(("params", new VariableDict(("Dense_0", Dense(3, 4)))), ("step", 0L));
        var loaded = FlaxCheckpoint.Read(ExpectedValues.Fixture("variables.msgpack"));
        var subset = new VariableDict(
            ("step", 12L),
            ("params", new VariableDict(("Dense_0", new VariableDict(
                ("bias", loaded.Flatten()["params/Dense_0/bias"]),
                ("kernel", loaded.Flatten()["params/Dense_0/kernel"]))))));

        var restored = FlaxCheckpoint.Restore(target, subset);

        CollectionAssert.AreEqual(new[] { "params/Dense_0/kernel", "params/Dense_0/bias", "step" }, restored.Flatten().Keys.ToArray());
        Assert.AreSame(subset.Flatten()["params/Dense_0/kernel"], restored.Flatten()["params/Dense_0/kernel"]);
        Assert.AreEqual(12L, restored["step"]);
    }

    [TestMethod]
    public void FromBytes_ReadsAndRestores()
    {
        var target = new VariableDict(("params", new VariableDict(("Dense_0", Dense(3, 4)))));
        var bytes = FlaxCheckpoint.ToBytes(new VariableDict(("params", new VariableDict(("Dense_0", new VariableDict(
            ("kernel", ExpectedValues.Of(DType.Float32, 3, 4)), ("bias", ExpectedValues.Of(DType.Float32, 4))))))));

        var restored = FlaxCheckpoint.FromBytes(target, bytes);

        ExpectedValues.AssertSame(ExpectedValues.Of(DType.Float32, 3, 4), restored.Flatten()["params/Dense_0/kernel"], "kernel");
    }

    [TestMethod]
    public void Restore_ThrowsListingEveryMisfit()
    {
        var target = new VariableDict(
            ("params", new VariableDict(("Dense_0", Dense(4, 8)), ("Dense_1", Dense(8, 2)), ("Conv_0", Dense(1, 1)))),
            ("batch_stats", new VariableDict(("mean", NDArray.Zeros(DType.Float32, 8)))));
        var loaded = new VariableDict(
            ("params", new VariableDict(
                ("Dense_0", new VariableDict(("kernel", NDArray.Zeros(DType.Float32, 4, 9)), ("bias", NDArray.Zeros(DType.Float16, 8)))),
                ("Dense_2", Dense(8, 2)),
                ("Conv_0", NDArray.Zeros(DType.Float32, 1)))),
            ("batch_stats", new VariableDict(("mean", 0.5))));

        var e = Assert.ThrowsExactly<FlaxCheckpointException>(() => FlaxCheckpoint.Restore(target, loaded));

        Assert.AreEqual(
            "The checkpoint does not fit the target variables: 1 missing key, 1 unexpected key, 4 mismatched leaves.\n" +
            "  missing key \"params/Dense_1\"\n" +
            "  unexpected key \"params/Dense_2\"\n" +
            "  \"params/Dense_0/kernel\": shape (4, 8) in the target, (4, 9) in the checkpoint\n" +
            "  \"params/Dense_0/bias\": dtype float32 in the target, float16 in the checkpoint\n" +
            "  \"params/Conv_0\": a dict in the target, an array (1,) float32 in the checkpoint\n" +
            "  \"batch_stats/mean\": an array (8,) float32 in the target, Double 0.5 in the checkpoint",
            e.Message);
    }

    [TestMethod]
    public void Restore_AcceptsAnyLeafForANonArrayTargetLeaf()
    {
        // from_state_dict returns the state as is for leaves of unregistered types.
        var restored = FlaxCheckpoint.Restore(new VariableDict(("step", 0L)), new VariableDict(("step", "ten")));

        TreeAssert.AreEqual(new VariableDict(("step", "ten")), restored);
    }
}
