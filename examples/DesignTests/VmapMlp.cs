namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>core_vmap_test.py</c> model <c>mlp_vmap</c>: the MLP of sizes <c>(8, 1)</c> whose dense layers are
/// <c>lift.vmap</c>ped over the leading axis of the input, with shared parameters (<c>variable_axes={'params': None}</c>,
/// kernels <c>(4, 8)</c>) or one set per index (<c>variable_axes={'params': 0}</c>, kernels <c>(2, 4, 8)</c>).
/// </summary>
public static class VmapMlp
{
    /// <summary>The vmapped MLP on inputs <c>(n, in)</c>: each row goes through the MLP as a vector.</summary>
    /// <param name="scope">The model's scope.</param>
    /// <param name="x">The input, <c>(n, in)</c>.</param>
    /// <param name="shareParams">One parameter set for every row (else one per row).</param>
    public static Tensor Model(Scope scope, Tensor x, bool shareParams)
    {
        int[] sizes = [8, 1];
        Func<Scope, Tensor, Tensor> DenseVmap(int features) => Lift.Vmap((s, h) => Nn.Dense(s, h, features),
            variableAxes: new Dictionary<Filter, int?> { ["params"] = shareParams ? null : 0 },
            splitRngs: new Dictionary<Filter, bool> { ["params"] = !shareParams },
            inAxes: [0]);

        foreach (var size in sizes[..^1])
            x = Nn.Relu(scope.Child(DenseVmap(size), prefix: "hidden_")(x));
        return scope.Child(DenseVmap(sizes[^1]), "out")(x);
    }
}
