namespace Flax.MLNet.Tests;

/// <summary>Small Flax models for the pipeline tests, written the way flax.core users write them.</summary>
internal static class Models
{
    public static Tensor Dense(Scope scope, Tensor x, int features)
    {
        var kernel = scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [x.Shape[^1], features]);
        var bias = scope.Param<Tensor>("bias", Initializers.Zeros, [features]);
        return Tensor.MatMul(x, kernel) + bias;
    }

    /// <summary>A two-layer perceptron with ReLU, 32 hidden units and 16 outputs: random features for a trainer after it.</summary>
    public static Tensor Mlp(Scope scope, Tensor x) =>
        Dense(scope.Push("Dense_1"), Tensor.Maximum(Dense(scope.Push("Dense_0"), x, 32), 0.0), 16);

    /// <summary>A model of two inputs: one dense layer over each, summed.</summary>
    public static Tensor TwoTower(Scope scope, Tensor a, Tensor b) =>
        Dense(scope.Push("Dense_0"), a, 4) + Dense(scope.Push("Dense_1"), b, 4);
}
