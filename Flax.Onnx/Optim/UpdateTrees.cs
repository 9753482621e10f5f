namespace Flax;

/// <summary>Leaf-wise operations over the nested dictionaries optimizers work on (optax's <c>jax.tree.map</c>).</summary>
internal static class UpdateTrees
{
    /// <summary>The tree of <paramref name="f"/>(leaf) over <paramref name="tree"/>'s leaves, by flattened path.</summary>
    internal static VariableDict Map(VariableDict tree, Func<string, object, object> f) =>
        VariableDict.Unflatten(tree.Flatten().Select(kv => KeyValuePair.Create(kv.Key, f(kv.Key, kv.Value))));

    /// <summary>The tree of <paramref name="f"/>(a, b) over matching tensor leaves of two trees of one structure.</summary>
    /// <exception cref="ArgumentException"><paramref name="other"/> lacks a path of <paramref name="tree"/>.</exception>
    internal static VariableDict Map(VariableDict tree, VariableDict other, string what, Func<Tensor, Tensor, Tensor> f)
    {
        var flat = other.Flatten();
        return Map(tree, (path, leaf) => f(AsTensor(leaf), AsTensor(flat.TryGetValue(path, out var o) ? o
            : throw new ArgumentException($"The {what} have no entry '{path}' for the gradient of that path."))));
    }

    /// <summary>The tree of <paramref name="f"/>(leaf) over tensor leaves.</summary>
    internal static VariableDict Map(VariableDict tree, Func<Tensor, Tensor> f) => Map(tree, (_, leaf) => f(AsTensor(leaf)));

    /// <summary>A leaf as a tensor of the current trace (a host array becomes a constant).</summary>
    /// <exception cref="ArgumentException">The leaf is neither a tensor nor an array.</exception>
    internal static Tensor AsTensor(object leaf) => leaf switch
    {
        Tensor t => t,
        NDArray a => a,
        _ => throw new ArgumentException($"Optimizer states and gradients hold tensors or arrays, got a {leaf.GetType().Name}."),
    };

    /// <summary>Host arrays of <paramref name="value"/> shaped like each leaf of <paramref name="parameters"/>.</summary>
    internal static VariableDict Full(VariableDict parameters, double value) =>
        Map(parameters, (_, leaf) => NDArray.Full(((NDArray)leaf).DType, value, ((NDArray)leaf).Shape));

    /// <summary>The sub-dictionary <paramref name="key"/> of a state (empty when absent, as flattening drops empty
    /// states).</summary>
    internal static VariableDict Sub(VariableDict state, string key) =>
        state.TryGetValue(key, out var value) ? value as VariableDict
            ?? throw new ArgumentException($"Optimizer state entry '{key}' must be a dictionary, got a {value.GetType().Name}.")
            : VariableDict.Empty;

    /// <summary>The leaf <paramref name="key"/> of a state as a tensor.</summary>
    internal static Tensor Leaf(VariableDict state, string key) =>
        state.TryGetValue(key, out var value) ? AsTensor(value)
            : throw new ArgumentException($"The optimizer state has no entry '{key}'; make it with the optimizer's Init.");

    /// <summary>optax's <c>safe_increment</c>: <c>count + 1</c>, staying at the int32 maximum.</summary>
    internal static Tensor Increment(Tensor count) => Tensor.Where(count < int.MaxValue, count + 1, count);
}
