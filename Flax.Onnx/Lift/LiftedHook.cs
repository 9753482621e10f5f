namespace Flax;

/// <summary>
/// The hook of a lifted body traced on its own (<see cref="LiftedTrace"/>): an array an init function creates inside
/// becomes a parameter of the body's trace, named by its path, and is recorded with its host value so the transform can
/// combine the values of every traced call (stack them for <c>vmap</c>) and create the result in the outer scope. Keys
/// drawn inside are noted; random values are drawn at once (the keys of a lifted body are derived from split keys, so
/// they are never the call's per-run keys).
/// </summary>
/// <param name="trace">The body's trace.</param>
internal sealed class LiftedHook(TraceContext trace) : IVariableHook, IRngHook
{
    private readonly List<CreatedLeaf> _created = [];

    /// <summary>One array created inside the body: where it lives, its host value and the parameter standing for it.</summary>
    internal sealed record CreatedLeaf(string Collection, IReadOnlyList<string> Path, string Name, NDArray Value, Tensor Tensor)
    {
        /// <summary>The variable's <c>collection/path/name</c>.</summary>
        public string FullPath => VariablePaths.Join(Collection, Path, Name);
    }

    /// <summary>The arrays created inside, in order.</summary>
    internal IReadOnlyList<CreatedLeaf> Created => _created;

    /// <summary>Whether a key's value shaped the trace (a created value or a random draw).</summary>
    internal bool DrawsKeys { get; private set; }

    /// <inheritdoc/>
    public void OnKeyDrawn() => DrawsKeys = true;

    /// <inheritdoc/>
    public Tensor? OnRandom(string sequence, LazyRng rng, TensorSpec spec, Func<PrngKey, int[], NDArray> draw) => null;

    /// <inheritdoc/>
    public object OnCreate(string collection, IReadOnlyList<string> path, string name, object value)
    {
        if (value is VariableDict)
            throw new NotSupportedException($"Variable \"{name}\" of collection \"{collection}\" is a dictionary of arrays; a lifted transform's body can create array leaves only.");
        if (value is not NDArray array) return value;
        var tensor = trace.AddParameter(VariablePaths.Join(collection, path, name), array.Shape, array.DType);
        _created.Add(new CreatedLeaf(collection, [.. path], name, array, tensor));
        return tensor;
    }
}
