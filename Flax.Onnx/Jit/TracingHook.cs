namespace Flax;

/// <summary>
/// The variable hook of a traced <c>Init</c>/<c>Apply</c>: a host array created by an init function (Flax's
/// initializers run on the host, bit-exact with JAX) is recorded and replaced by a program parameter of the same path,
/// so the model computes with it symbolically while its value stays available for the run and the result. A value that
/// is a dictionary (a pytree-valued param) has each array leaf replaced the same way, at the leaf's path, and so has a
/// host array the init function made a tensor (a trace constant).
/// </summary>
/// <remarks>
/// Given the call's base keys (<paramref name="perRun"/>), random values drawn from a <c>make_rng</c> key of one of
/// them become program inputs drawn for every run (<see cref="RandomInputs"/>); keys derived otherwise (a lifted
/// transform's) and keys handed out as values make the trace depend on this call's keys (<see cref="DrawsKeys"/>).
/// </remarks>
/// <param name="trace">The trace.</param>
/// <param name="perRun">The call's base keys, when random values are to be drawn per run; null to draw them now.</param>
internal sealed class TracingHook(TraceContext trace, Rngs? perRun = null) : IVariableHook, IRngHook
{
    private readonly Dictionary<string, NDArray> _created = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly List<RandomInput> _randomInputs = [];

    /// <summary>The host value of each parameter created during the trace, by <c>collection/path/name</c>.</summary>
    internal IReadOnlyDictionary<string, NDArray> Created => _created;

    /// <summary>The program parameter standing for each created value, by <c>collection/path/name</c>.</summary>
    internal IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>The random values drawn per run, in the order of their program inputs.</summary>
    internal IReadOnlyList<RandomInput> RandomInputs => _randomInputs;

    /// <summary>Whether a key's value shaped the trace, so the program holds this call's random values.</summary>
    internal bool DrawsKeys { get; private set; }

    /// <inheritdoc/>
    public void OnKeyDrawn() => DrawsKeys = true;

    /// <inheritdoc/>
    public Tensor? OnRandom(string sequence, LazyRng rng, TensorSpec spec, Func<PrngKey, int[], NDArray> draw)
    {
        if (perRun is null || !perRun.TryGetValue(sequence, out var key) || key != rng.Key || perRun.FixSeparator != rng.Separator)
            return null;
        var input = new RandomInput($"rng:{sequence}/{string.Join('/', rng.Suffix)}", sequence, rng.Suffix, rng.Separator, spec, draw);
        _randomInputs.Add(input);
        return trace.AddInput(spec);
    }

    /// <inheritdoc/>
    public object OnCreate(string collection, IReadOnlyList<string> path, string name, object value) =>
        Parameterize(VariablePaths.Join(collection, path, name), value);

    private object Parameterize(string full, object value)
    {
        if (value is VariableDict tree)
            return tree.Flatten().Count == 0 ? tree : VariableDict.Unflatten([.. tree.Flatten().Select(leaf =>
                KeyValuePair.Create(leaf.Key, Parameterize(full + VariableDict.Separator + leaf.Key, leaf.Value)))]);
        // A host array an init function made a tensor (a Variable<Tensor> initialised with NDArray.Zeros, as batch norm's
        // statistics are) is a constant of the trace: its value is known, like any created array.
        if (value is Tensor tensor && trace.ConstantValue(tensor) is { } constant) value = constant;
        if (value is not NDArray array) return value;
        _created[full] = array;
        return _tensors[full] = trace.AddParameter(full, array.Shape, array.DType);
    }
}
