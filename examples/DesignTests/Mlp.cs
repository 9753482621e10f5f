namespace Flax.Examples.Design;

/// <summary>
/// The MLP of Flax's <c>core_custom_vjp_test.py</c> and <c>core_vmap_test.py</c> without their transforms: dense
/// layers of sizes <c>(8, 1)</c> in children <c>hidden_0</c> (named by <c>child(prefix='hidden_')</c>) and <c>out</c>,
/// with a ReLU between.
/// </summary>
public static class Mlp
{
    /// <summary>The MLP on inputs <c>(batch, in)</c>.</summary>
    public static Tensor Model(Scope scope, Tensor x)
    {
        int[] sizes = [8, 1];
        foreach (var size in sizes[..^1])
            x = Nn.Relu(scope.Child<Tensor, Tensor>((s, h) => Nn.Dense(s, h, size), prefix: "hidden_")(x));
        return scope.Child<Tensor, Tensor>((s, h) => Nn.Dense(s, h, sizes[^1]), "out")(x);
    }
}
