namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>core_custom_vjp_test.py</c> model <c>mlp_custom_grad</c>: the MLP of sizes <c>(8, 1)</c> whose dense
/// layers have a custom gradient, <c>lift.custom_vjp(nn.dense, forward_fn=fwd, backward_fn=bwd)</c>: the forward rule
/// saves the vjp function of the dense layer (<c>lift.vjp</c>) and the backward rule returns the sign of its parameter
/// cotangents and its input cotangent unchanged. Flax passes <c>features</c> as a non-differentiated argument
/// (<c>nondiff_argnums=(2,)</c>); a C# closure captures it instead.
/// </summary>
public static class CustomVjpMlp
{
    /// <summary>The MLP on inputs <c>(batch, in)</c>.</summary>
    public static Tensor Model(Scope scope, Tensor x)
    {
        int[] sizes = [8, 1];
        static Func<Scope, Tensor[], Tensor> DenseCustomGrad(int features) => Lift.CustomVjp(
            (s, xs) => Nn.Dense(s, xs[0], features),
            forwardFn: (s, xs) => Core.Vjp((inner, ys) => Nn.Dense(inner, ys[0], features), s, xs),
            backwardFn: (_, vjpFn, yT) =>
            {
                var (paramsT, inputT) = vjpFn(yT);
                return (paramsT.Map(t => ((Tensor)t).Sign()), inputT);
            });

        foreach (var size in sizes[..^1])
            x = Nn.Relu(scope.Child(DenseCustomGrad(size), prefix: "hidden_")([x]));
        return scope.Child(DenseCustomGrad(sizes[^1]), "out")([x]);
    }
}
