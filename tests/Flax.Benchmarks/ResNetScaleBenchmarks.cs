using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Flax.Benchmarks;

/// <summary>
/// Time to first run for a ResNet-50-sized scope tree (25.5 million parameters, <see cref="ResNetScale"/>): trace +
/// lower + ONNX Runtime session creation (what the first <c>Core.Apply</c> of a signature pays), <c>LazyInit</c> (every
/// parameter drawn on the host), and <c>Init</c> (LazyInit's work plus trace, session and one run at batch 1 of 64x64
/// images). Each is one cold operation, so a single invocation per iteration. Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*ResNetScaleBenchmarks*'</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser(displayGenColumns: false)]
public class ResNetScaleBenchmarks
{
    private static readonly TensorSpec Images = new(DType.Float32, -1, 64, 64, 3);
    private VariableDict _variables = VariableDict.Empty;
    private NDArray _x = null!;

    [GlobalSetup]
    public void Setup()
    {
        _variables = Core.LazyInit(ResNetScale.Model)(PrngKey.Create(0), Images);
        _x = NDArray.Ones(DType.Float32, 1, 64, 64, 3);
    }

    /// <summary>Trace, lower and create the session, as the first <c>Core.Apply</c> of a signature does.</summary>
    [Benchmark]
    public void TraceLowerAndCreateSession()
    {
        var traced = ScopeTracer.Trace(ScopeFunction.Of(ResNetScale.Model), [Images], _variables, null, null, null);
        using var model = new TracedModel(traced, Device.Cpu);
    }

    /// <summary>Every parameter created on the host with Flax's initializers; nothing runs.</summary>
    [Benchmark]
    public VariableDict LazyInit() => Core.LazyInit(ResNetScale.Model)(PrngKey.Create(0), Images);

    /// <summary>Full <c>Core.Init</c>: parameters, trace, session and one forward pass.</summary>
    [Benchmark]
    public NDArray Init() => Core.Init(ResNetScale.Model, device: Device.Cpu)(PrngKey.Create(0), _x).Output;
}
