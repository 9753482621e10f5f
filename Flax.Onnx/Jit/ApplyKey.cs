namespace Flax;

/// <summary>
/// What decides the program a traced <c>Apply</c> produces, and so which cached model serves a call: the function
/// (delegate identity), the input signatures, the variables' structure (path, dtype and shape of every array; the
/// value of every other leaf), the mutable collections, the flags, the PRNG sequence names, the device and
/// <see cref="Lift.ScanUnrollThreshold"/> (which decides whether a scan is one equation or unrolled). Parameter
/// values and the batch size are not part of it.
/// </summary>
internal sealed class ApplyKey : ITraceKey, IEquatable<ApplyKey>
{
    private readonly TensorSpec[] _inputs;
    private readonly KeyValuePair<string, object>[] _variables;
    private readonly Filter? _mutable;
    private readonly KeyValuePair<string, object>[] _flags;
    private readonly string[] _rngNames;
    private readonly bool _fixSeparator;
    private readonly Device _device;
    private readonly int _scanUnrollThreshold = TraceOptions.ScanUnrollThreshold;
    private readonly int _hash;

    internal ApplyKey(Delegate function, TensorSpec[] inputs, IReadOnlyDictionary<string, object> variables, Filter? mutable,
        IReadOnlyDictionary<string, object>? flags, Rngs? rngs, Device device)
    {
        Function = function;
        _inputs = inputs;
        _variables = [.. variables.Select(v => KeyValuePair.Create(v.Key, v.Value is NDArray a ? new TensorSpec(a.DType, a.Shape) : v.Value))];
        _mutable = mutable;
        _flags = flags is null ? [] : [.. flags.OrderBy(f => f.Key, StringComparer.Ordinal)];
        _rngNames = rngs is null ? [] : [.. rngs.Keys.Order(StringComparer.Ordinal)];
        _fixSeparator = rngs?.FixSeparator ?? false;
        _device = device;

        var h = new HashCode();
        h.Add(function);
        foreach (var spec in _inputs) h.Add(spec);
        foreach (var (path, leaf) in _variables) { h.Add(path); h.Add(leaf); }
        h.Add(_mutable);
        foreach (var name in _rngNames) h.Add(name);
        h.Add(_device);
        h.Add(_scanUnrollThreshold);
        _hash = h.ToHashCode();
    }

    /// <inheritdoc/>
    public Delegate Function { get; }

    /// <inheritdoc/>
    public bool Equals(ApplyKey? other) =>
        other is not null && _hash == other._hash && Function.Equals(other.Function)
        && _inputs.SequenceEqual(other._inputs) && _variables.SequenceEqual(other._variables)
        && Equals(_mutable, other._mutable) && _flags.SequenceEqual(other._flags)
        && _rngNames.SequenceEqual(other._rngNames) && _fixSeparator == other._fixSeparator && _device.Equals(other._device)
        && _scanUnrollThreshold == other._scanUnrollThreshold;

    /// <inheritdoc/>
    public bool Equals(ITraceKey? other) => Equals(other as ApplyKey);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ApplyKey);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;
}
