using System.Diagnostics;
using Flax.Tests.Scopes;

namespace Flax.Tests.Serialization;

/// <summary>
/// Seeded fuzzing of the checkpoint readers: half the cases are byte-level mutations of the Python-written fixtures
/// (<see cref="Mutations"/>), half are structure-aware hostile files (<see cref="HostileMsgpack"/>,
/// <see cref="HostileSafeTensors"/>). Every case must end in success or <see cref="FlaxCheckpointException"/>, allocate
/// under 64 MB and finish within 1 s (bounds, not benchmarks). A round-trip property checks that whatever the writers
/// accept, the readers read back unchanged.
/// </summary>
/// <remarks>
/// CI runs 5,000 cases per format. For a long local run set <c>FLAX_FUZZ_CASES</c> (and optionally
/// <c>FLAX_FUZZ_SEED</c>): <c>FLAX_FUZZ_CASES=1000000 dotnet test tests/Flax.Onnx.Tests -c Release --filter
/// "FullyQualifiedName~CheckpointFuzzTests"</c>; each test prints its counts, exceptions and worst case.
/// </remarks>
[TestClass]
public sealed class CheckpointFuzzTests
{
    private const long MaxAllocatedBytes = 64L << 20;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(1);

    public TestContext TestContext { get; set; } = null!;

    private static int Cases(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("FLAX_FUZZ_CASES"), out int cases) && cases > 0 ? cases : ciDefault;

    private static int Seed(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("FLAX_FUZZ_SEED"), out int seed) ? seed : ciDefault;

    private void Fuzz(string format, string[] fixtures, Func<System.Random, (byte[], string)> hostile, Func<byte[], VariableDict> read, int seed)
    {
        int count = Cases(5000);
        var originals = fixtures.Select(name => (name, ExpectedValues.Fixture(name))).ToList();
        var random = new System.Random(Seed(seed));
        var mutated = Mutations.Of(originals, count, Seed(seed) + 1).GetEnumerator();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long worstBytes = 0;
        TimeSpan worstTime = TimeSpan.Zero, readTime = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        string worstBytesCase = "", worstTimeCase = "";
        read(originals[0].Item2);  // compile the reader outside the time bound
        for (int i = 0; i < count; i++)
        {
            mutated.MoveNext();
            var (bytes, what) = i % 2 == 0 ? mutated.Current : hostile(random);
            if (i % 2 == 1) what = $"case {i}: {what}";
            string outcome = "read";
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                read(bytes);
            }
            catch (FlaxCheckpointException)
            {
                outcome = nameof(FlaxCheckpointException);
            }
            catch (Exception e)
            {
                Assert.Fail($"{format} {what} threw {e}");
            }
            var time = clock.Elapsed;
            readTime += time;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > MaxAllocatedBytes) Assert.Fail($"{format} {what} allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file");
            if (time > MaxTime) Assert.Fail($"{format} {what} took {time.TotalSeconds:F2} s for a {bytes.Length:N0}-byte file");
            if (allocated > worstBytes) (worstBytes, worstBytesCase) = (allocated, what);
            if (time > worstTime) (worstTime, worstTimeCase) = (time, what);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        TestContext.WriteLine($"{format}: {count:N0} cases in {total.Elapsed.TotalSeconds:F1} s ({readTime.TotalSeconds:F1} s reading); {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value:N0}"))}");
        TestContext.WriteLine($"worst allocation {worstBytes:N0} bytes ({worstBytesCase}); worst time {worstTime.TotalMilliseconds:F1} ms ({worstTimeCase})");
        // Most cases must be refused; a few (a flipped bit inside array data) leave a valid file.
        Assert.IsGreaterThan(count / 2, outcomes.GetValueOrDefault(nameof(FlaxCheckpointException)));
    }

    [TestMethod]
    public void MutatedFlaxCheckpointsThrowOnlyFlaxCheckpointException() => Fuzz("msgpack",
        ["variables.msgpack", "chunked.msgpack", "scalars.msgpack", "list.msgpack"], HostileMsgpack.Next, bytes => FlaxCheckpoint.Read(bytes), seed: 7);

    [TestMethod]
    public void MutatedSafeTensorsThrowOnlyFlaxCheckpointException() => Fuzz("safetensors",
        ["variables.safetensors"], HostileSafeTensors.Next, bytes => SafeTensors.Read(bytes), seed: 11);

    [TestMethod]
    public void WhatTheWritersAcceptReadsBackUnchanged()
    {
        var random = new System.Random(Seed(13));
        int written = 0, count = Math.Max(1000, Cases(5000) / 5);
        for (int i = 0; i < count; i++)
        {
            var tree = RandomTrees.Next(random, arraysOnly: i % 2 == 1);
            byte[] bytes;
            try
            {
                bytes = i % 2 == 0 ? FlaxCheckpoint.ToBytes(tree) : ToSafeTensors(tree);
            }
            catch (ArgumentException)
            {
                continue;
            }
            written++;
            var back = i % 2 == 0 ? FlaxCheckpoint.Read(bytes) : SafeTensors.Read(bytes);
            TreeAssert.AreEqual(i % 2 == 0 ? tree : VariableDict.Unflatten(tree.Flatten()), back);
        }
        TestContext.WriteLine($"{count:N0} random trees, {written:N0} written and read back");
        Assert.IsGreaterThan(count / 4, written);
    }

    private static byte[] ToSafeTensors(VariableDict tree)
    {
        var stream = new MemoryStream();
        SafeTensors.Write(tree, stream);
        return stream.ToArray();
    }
}
