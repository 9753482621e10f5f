using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Flax;

namespace Flax.Benchmarks;

/// <summary>
/// Throughput of the float32 samplers (GB/s of output) on the SIMD path against the scalar path, on one thread and on
/// every core, in the same run. Run with
/// <c>dotnet run -c Release --project tests/Flax.Benchmarks -- --filter '*PrngBenchmarks*' --job short</c>.
/// </summary>
[Config(typeof(ThroughputConfig))]
[MemoryDiagnoser(displayGenColumns: false)]
public class PrngBenchmarks
{
    private static readonly PrngKey Key = PrngKey.Create(0);
    private PrngSettings _settings = PrngSettings.Default;

    /// <summary>The number of float32 elements produced per call.</summary>
    [Params(1 << 20, 1 << 26)]
    public int N { get; set; }

    /// <summary>The kernels: the scalar reference path or the widest SIMD path of this CPU.</summary>
    [Params("scalar", "simd")]
    public string Path { get; set; } = "simd";

    /// <summary>One thread, or every core.</summary>
    [Params("1", "all")]
    public string Threads { get; set; } = "1";

    [GlobalSetup]
    public void Setup() => _settings = new PrngSettings(
        Path == "scalar" ? 0 : PrngSettings.Default.VectorBits, Threads == "all" ? Environment.ProcessorCount : 1);

    [Benchmark]
    public NDArray Bits() => Run(() => Prng.Bits(Key, [N]));

    [Benchmark]
    public NDArray Uniform() => Run(() => Prng.Uniform(Key, [N]));

    [Benchmark]
    public NDArray Normal() => Run(() => Prng.Normal(Key, [N]));

    [Benchmark]
    public NDArray LecunNormal() => Run(() => Initializers.LecunNormal()(Key, [N / 1024, 1024], DType.Float32));

    private NDArray Run(Func<NDArray> sample)
    {
        using (PrngSettings.Use(_settings)) return sample();
    }

    /// <summary>Adds a GB/s column (4 bytes per element over the mean time).</summary>
    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new GigabytesPerSecond());
    }

    private sealed class GigabytesPerSecond : IColumn
    {
        public string Id => nameof(GigabytesPerSecond);
        public string ColumnName => "GB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "float32 output bytes per second / 1e9";
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats) return "-";
            int n = (int)benchmarkCase.Parameters["N"];
            return (n * 4.0 / stats.Mean).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
