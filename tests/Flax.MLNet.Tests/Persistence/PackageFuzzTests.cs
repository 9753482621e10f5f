using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>
/// Seeded structure-aware fuzzing of FlaxTransformer.Load (issue 11): whatever the damage, loading either succeeds or
/// throws <see cref="FlaxPackageException"/>; scoring a package that loaded throws nothing or
/// <see cref="ModelRunException"/>; and each case allocates less than 64 MB on its thread and takes less than a second.
/// Set <c>FLAX_FUZZ_CASES</c> for a longer run (the README gives the command for 1,000,000 cases) and
/// <c>FLAX_FUZZ_SEED</c> for another seed.
/// </summary>
[TestClass]
public sealed class PackageFuzzTests
{
    private const long MaxAllocation = 64L << 20;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(1);

    public TestContext TestContext { get; set; } = null!;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    [TestMethod]
    public void MutatedPackagesThrowOnlyFlaxPackageException()
    {
        int cases = Setting("FLAX_FUZZ_CASES", 5000), seed = Setting("FLAX_FUZZ_SEED", 11);
        var mutations = new PackageMutations(seed);
        var outcomes = new Dictionary<string, int>();
        long worstAllocation = 0;
        var worstTime = TimeSpan.Zero;
        Case(Packages.Saved, "unmutated (warm-up)", outcomes);
        var total = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            var (bytes, what) = mutations.Next();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            Case(bytes, $"case {i} ({what})", outcomes);
            var time = clock.Elapsed;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.IsTrue(allocated < MaxAllocation, $"case {i} ({what}) allocated {allocated} bytes");
            Assert.IsTrue(time < MaxTime, $"case {i} ({what}) took {time.TotalMilliseconds:F0} ms");
            worstAllocation = Math.Max(worstAllocation, allocated);
            if (time > worstTime) worstTime = time;
        }
        TestContext.WriteLine($"{cases} cases (seed {seed}) in {total.Elapsed.TotalSeconds:F1} s; worst allocation {worstAllocation} bytes, " +
            $"worst time {worstTime.TotalMilliseconds:F1} ms; outcomes: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
        Assert.IsGreaterThan(cases / 2, outcomes.GetValueOrDefault(nameof(FlaxPackageException)));
    }

    private static void Case(byte[] bytes, string what, Dictionary<string, int> outcomes)
    {
        FlaxTransformer loaded;
        try
        {
            loaded = Packages.Load(bytes);
        }
        catch (FlaxPackageException)
        {
            Count(outcomes, nameof(FlaxPackageException));
            return;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: Load threw {e}");
            return;
        }
        using (loaded)
        {
            try
            {
                loaded.GetOutputSchema(Packages.Data.Schema);
            }
            catch (ArgumentException)
            {
                Count(outcomes, "loaded, other columns");
                return;
            }
            try
            {
                var view = loaded.Transform(Packages.Data);
                var output = view.Schema[view.Schema.Count - 1];
                using var cursor = view.GetRowCursor([output]);
                var getter = cursor.GetGetter<VBuffer<float>>(output);
                VBuffer<float> buffer = default;
                while (cursor.MoveNext()) getter(ref buffer);
                Count(outcomes, "loaded and scored");
            }
            catch (ModelRunException)
            {
                Count(outcomes, "loaded, " + nameof(ModelRunException));
            }
            catch (Exception e)
            {
                Assert.Fail($"{what}: scoring threw {e}");
            }
        }
    }

    private static void Count(Dictionary<string, int> outcomes, string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
}
