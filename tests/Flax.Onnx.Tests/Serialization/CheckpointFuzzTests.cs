namespace Flax.Tests.Serialization;

/// <summary>
/// Seeded mutation fuzzing of the readers over the Python-produced files: whatever the damage, a read either succeeds
/// or throws <see cref="FlaxCheckpointException"/>; no other exception escapes.
/// </summary>
[TestClass]
public sealed class CheckpointFuzzTests
{
    private static void AssertOnlyCheckpointErrors(string[] fixtures, Func<byte[], VariableDict> read, int count, int seed)
    {
        var originals = fixtures.Select(name => (name, ExpectedValues.Fixture(name))).ToList();
        int rejected = 0;
        foreach (var (bytes, what) in Mutations.Of(originals, count, seed))
        {
            try
            {
                read(bytes);
            }
            catch (FlaxCheckpointException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} threw {e}");
            }
        }
        // Most mutations must be caught; a few (a flipped bit inside array data) leave a valid file.
        Assert.IsGreaterThan(count / 2, rejected);
    }

    [TestMethod]
    public void MutatedFlaxCheckpointsThrowOnlyFlaxCheckpointException() => AssertOnlyCheckpointErrors(
        ["variables.msgpack", "chunked.msgpack", "scalars.msgpack", "list.msgpack"], bytes => FlaxCheckpoint.Read(bytes), 4000, seed: 7);

    [TestMethod]
    public void MutatedSafeTensorsThrowOnlyFlaxCheckpointException() => AssertOnlyCheckpointErrors(
        ["variables.safetensors"], bytes => SafeTensors.Read(bytes), 3000, seed: 11);
}
