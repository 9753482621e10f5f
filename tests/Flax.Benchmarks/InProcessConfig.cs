using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Flax.Benchmarks;

/// <summary>A short in-process job (no generated project to build, LibTorch loaded once): 2 warm-up and 8 measured
/// iterations; the runs compared are interleaved in one process, so the ratios share the machine's load.</summary>
internal sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8));
}
