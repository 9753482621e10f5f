namespace Flax;

/// <summary>
/// The variable hook of a traced <c>Init</c>/<c>Apply</c>: a host array created by an init function (Flax's
/// initializers run on the host, bit-exact with JAX) is recorded and replaced by a program parameter of the same path,
/// so the model computes with it symbolically while its value stays available for the run and the result. A value that
/// is a dictionary (a pytree-valued param) has each array leaf replaced the same way, at the leaf's path.
/// </summary>
internal sealed class TracingHook(TraceContext trace) : IVariableHook
{
    private readonly Dictionary<string, NDArray> _created = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>The host value of each parameter created during the trace, by <c>collection/path/name</c>.</summary>
    internal IReadOnlyDictionary<string, NDArray> Created => _created;

    /// <summary>The program parameter standing for each created value, by <c>collection/path/name</c>.</summary>
    internal IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <inheritdoc/>
    public object OnCreate(string collection, IReadOnlyList<string> path, string name, object value) =>
        Parameterize(VariablePaths.Join(collection, path, name), value);

    private object Parameterize(string full, object value)
    {
        if (value is VariableDict tree)
            return tree.Flatten().Count == 0 ? tree : VariableDict.Unflatten([.. tree.Flatten().Select(leaf =>
                KeyValuePair.Create(leaf.Key, Parameterize(full + VariableDict.Separator + leaf.Key, leaf.Value)))]);
        if (value is not NDArray array) return value;
        _created[full] = array;
        return _tensors[full] = trace.AddParameter(full, array.Shape, array.DType);
    }
}
