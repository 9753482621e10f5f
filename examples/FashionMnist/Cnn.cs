using Flax;

namespace FashionMnist;

/// <summary>The classifier: two convolution blocks (conv, batch norm, ReLU, 2x2 max pooling) and two dense layers,
/// written like a Flax core model.</summary>
internal static class Cnn
{
    internal static Tensor Apply(Scope scope, Tensor x, bool train)
    {
        x = Block(scope.Push("Block_0"), x, 32, train);
        x = Block(scope.Push("Block_1"), x, 64, train);
        x = x.Reshape(-1, 7 * 7 * 64);
        x = Nn.Relu(Nn.Dense(scope.Push("Dense_0"), x, features: 128));
        return Nn.Dense(scope.Push("Dense_1"), x, features: 10);
    }

    private static Tensor Block(Scope scope, Tensor x, int features, bool train)
    {
        x = Nn.Conv(scope.Push("Conv_0"), x, features, kernelSize: [3, 3], bias: false);
        x = Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: !train, momentum: 0.9);
        return Nn.MaxPool(Nn.Relu(x), [2, 2], [2, 2]);
    }
}
