namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>tests/core/design/core_resnet_test.py</c>: a bottleneck ResNet built from <see cref="Nn.Conv"/> (no bias)
/// and <see cref="Nn.BatchNorm"/>, each layer in a child scope named by hand and each block in a pushed scope
/// <c>block_{i}_{j}</c>.
/// </summary>
public static class ResNet
{
    /// <summary>A bias-free convolution, Flax's <c>partial(nn.conv, bias=False)</c>.</summary>
    private static Tensor Conv(Scope scope, Tensor x, int features, int[] kernelSize, int[]? strides = null, Padding? padding = null) =>
        Nn.Conv(scope, x, features, kernelSize, strides, padding, bias: false);

    /// <summary>
    /// <c>residual_block</c>: 1×1, 3×3 (strided) and 1×1 convolutions with batch norm and ReLU, and a projected shortcut
    /// (<c>proj_conv</c>, <c>proj_bn</c>) when the shape changes.
    /// </summary>
    public static Tensor ResidualBlock(Scope scope, Tensor x, int features, int[] strides)
    {
        var residual = x;
        x = Conv(scope.Push("conv_1"), x, features, [1, 1]);
        x = Nn.Relu(Nn.BatchNorm(scope.Push("bn_1"), x));
        x = Conv(scope.Push("conv_2"), x, 4 * features, [3, 3], strides);
        x = Nn.Relu(Nn.BatchNorm(scope.Push("bn_2"), x));
        x = Conv(scope.Push("conv_3"), x, 4 * features, [1, 1]);
        x = Nn.BatchNorm(scope.Push("bn_3"), x);
        if (!x.Shape.SequenceEqual(residual.Shape))
        {
            residual = Conv(scope.Push("proj_conv"), residual, 4 * features, [1, 1], strides);
            residual = Nn.BatchNorm(scope.Push("proj_bn"), residual);
        }
        return Nn.Relu(residual + x);
    }

    /// <summary>
    /// <c>resnet</c>: a 7×7 stem with batch norm, ReLU and 2×2 max pooling, stages of residual blocks (the first block
    /// of each later stage strided by 2, features doubling per stage), a spatial mean and a dense classifier
    /// <c>out</c>.
    /// </summary>
    public static Tensor Model(Scope scope, Tensor x, int[] blockSizes, int features = 16, int numClasses = 1000)
    {
        x = Conv(scope.Push("init_conv"), x, 16, [7, 7], padding: Padding.Explicit((3, 3), (3, 3)));
        x = Nn.Relu(Nn.BatchNorm(scope.Push("init_bn"), x));
        x = Nn.MaxPool(x, [2, 2], [2, 2], Padding.Same);
        for (int i = 0; i < blockSizes.Length; i++)
            for (int j = 0; j < blockSizes[i]; j++)
            {
                int[] strides = i > 0 && j == 0 ? [2, 2] : [1, 1];
                x = ResidualBlock(scope.Push($"block_{i}_{j}"), x, features << i, strides);
            }
        x = x.Mean([1, 2]);
        return Nn.Dense(scope.Push("out"), x, numClasses);
    }
}
