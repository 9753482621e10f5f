using Flax;

/// <summary>The Flax model of the example, written like a flax.core function: parameters declared on a scope.</summary>
internal static class Network
{
    /// <summary>Two dense layers with ReLU: 3 features in, 64 random nonlinear features out.</summary>
    public static Tensor RandomFeatures(Scope scope, Tensor x)
    {
        x = Tensor.Maximum(Dense(scope.Push("Dense_0"), x, 64), 0.0);
        return Tensor.Maximum(Dense(scope.Push("Dense_1"), x, 64), 0.0);
    }

    private static Tensor Dense(Scope scope, Tensor x, int features)
    {
        var kernel = scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [x.Shape[^1], features]);
        var bias = scope.Param<Tensor>("bias", Initializers.Zeros, [features]);
        return Tensor.MatMul(x, kernel) + bias;
    }
}
