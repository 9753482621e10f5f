namespace Flax.Benchmarks;

/// <summary>
/// A ResNet-50-sized scope tree without normalization: the 7x7 stem, bottleneck stages of 3, 4, 6 and 3 blocks
/// (widths 64 to 512, expansion 4, projection shortcuts) and a 1000-way head: 25.5 million parameters in 161 arrays.
/// </summary>
internal static class ResNetScale
{
    private static Tensor Conv(Scope scope, Tensor x, int features, int kernel, int stride) =>
        Tensor.ConvGeneralDilated(x, scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [kernel, kernel, x.Shape[^1], features]),
            [stride, stride], Padding.Same);

    private static Tensor Block(Scope scope, Tensor x, int width, int stride)
    {
        var h = Tensor.Maximum(Conv(scope.Push("conv_0"), x, width, 1, 1), 0.0);
        h = Tensor.Maximum(Conv(scope.Push("conv_1"), h, width, 3, stride), 0.0);
        h = Conv(scope.Push("conv_2"), h, 4 * width, 1, 1);
        var shortcut = x.Shape[^1] == 4 * width && stride == 1 ? x : Conv(scope.Push("projection"), x, 4 * width, 1, stride);
        return Tensor.Maximum(h + shortcut, 0.0);
    }

    /// <summary>The model: NHWC images to 1000 logits.</summary>
    public static Tensor Model(Scope scope, Tensor x)
    {
        x = Tensor.Maximum(Conv(scope.Push("stem"), x, 64, 7, 2), 0.0);
        x = x.ReduceWindowMax([1, 3, 3, 1], [1, 2, 2, 1], Padding.Same);
        int[] blocks = [3, 4, 6, 3];
        for (int stage = 0; stage < blocks.Length; stage++)
            for (int b = 0; b < blocks[stage]; b++)
                x = Block(scope.Push($"stage{stage}_block{b}"), x, 64 << stage, b == 0 && stage > 0 ? 2 : 1);
        var pooled = x.Mean([1, 2]);
        var head = scope.Push("head");
        return Tensor.MatMul(pooled, head.Param<Tensor>("kernel", Initializers.LecunNormal(), [pooled.Shape[^1], 1000]))
            + head.Param<Tensor>("bias", Initializers.Zeros, [1000]);
    }
}
