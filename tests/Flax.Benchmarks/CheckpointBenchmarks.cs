using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Flax;

/// <summary>
/// Checkpoint throughput on 128 MiB of float32 variables (8 arrays of 2048 x 2048), each against the least its
/// direction must do (the category baseline): writing must copy every array's bytes into the stream once; reading must
/// allocate and fill every array once. Ratios near 1 mean the format adds little.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CheckpointBenchmarks
{
    private readonly MemoryStream _sink = new();
    private VariableDict _variables = VariableDict.Empty;
    private NDArray[] _arrays = [];
    private byte[] _msgpack = [];
    private byte[] _safetensors = [];

    [GlobalSetup]
    public void Setup()
    {
        _arrays = [.. Enumerable.Range(0, 8).Select(i => NDArray.Full(DType.Float32, i, 2048, 2048))];
        _variables = new VariableDict(("params", new VariableDict(
            _arrays.Select((array, i) => KeyValuePair.Create($"Dense_{i}", (object)new VariableDict(("kernel", array)))))));
        _msgpack = FlaxCheckpoint.ToBytes(_variables);
        var buffer = new MemoryStream();
        SafeTensors.Write(_variables, buffer);
        _safetensors = buffer.ToArray();
        _sink.Capacity = _msgpack.Length + (1 << 20);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Write")]
    public long WriteArrayBytes()
    {
        _sink.Position = 0;
        foreach (var array in _arrays) _sink.Write(array.Bytes);
        return _sink.Position;
    }

    [Benchmark, BenchmarkCategory("Write")]
    public long FlaxCheckpointWrite()
    {
        _sink.Position = 0;
        FlaxCheckpoint.Write(_variables, _sink);
        return _sink.Position;
    }

    [Benchmark, BenchmarkCategory("Write")]
    public long SafeTensorsWrite()
    {
        _sink.Position = 0;
        SafeTensors.Write(_variables, _sink);
        return _sink.Position;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Read")]
    public int CopyArrayBytes() => _arrays.Sum(array => array.Bytes.ToArray().Length);

    [Benchmark, BenchmarkCategory("Read")]
    public int FlaxCheckpointRead() => FlaxCheckpoint.Read(_msgpack).Count;

    [Benchmark, BenchmarkCategory("Read")]
    public int SafeTensorsRead() => SafeTensors.Read(_safetensors).Count;
}
