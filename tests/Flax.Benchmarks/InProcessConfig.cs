using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Flax.Benchmarks;

/// <summary>A short in-process job (no generated project to build, LibTorch loaded once): 8 warm-up and 8 measured
/// iterations; the runs compared are interleaved in one process, so the ratios share the machine's load.</summary>
/// <remarks>LibTorch needs the long warm-up: BenchmarkDotNet runs each case on a thread of its own, and on a thread
/// new to it LibTorch's train step often ran 2-3 times slower for many seconds here (100-160 ms against 43-46 ms at
/// batch 128, timed on the setup thread and on fresh threads in turn). With 2 warm-up iterations it was measured in
/// that state (117-128 ms); with 8 it still was in one run of two. <c>-- interleaved</c>
/// (<see cref="InterleavedTrainComparison"/>) keeps LibTorch on one thread and is the steadier comparison.</remarks>
internal sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(8).WithIterationCount(8));
}
