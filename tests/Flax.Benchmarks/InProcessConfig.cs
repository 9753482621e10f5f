using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Flax.Benchmarks;

/// <summary>A short in-process job (no generated project to build, LibTorch loaded once): 8 warm-up and 8 measured
/// iterations; the runs compared are interleaved in one process, so the ratios share the machine's load.</summary>
/// <remarks>LibTorch needs the long warm-up: BenchmarkDotNet runs each case on a thread of its own, and on a thread
/// new to it LibTorch's train step ran 2-3 times slower for its first one to three seconds here (100-160 ms against
/// 43-46 ms at batch 128, timed on the setup thread and on fresh threads in turn). With 2 warm-up iterations it was
/// measured in that state (117-128 ms), far from its best.</remarks>
internal sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(8).WithIterationCount(8));
}
