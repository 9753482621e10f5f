namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// An N-d convolution in NHWC layout (<c>flax.core.nn.conv</c>, <c>lax.conv_general_dilated</c> with Flax's
    /// dimension numbers). Creates <c>kernel</c> of shape <c>kernelSize + (in_features / featureGroupCount, features)</c>,
    /// then (with <paramref name="bias"/>) <c>bias</c> of shape <c>(features,)</c>.
    /// </summary>
    /// <param name="scope">The scope that holds <c>kernel</c> and <c>bias</c>.</param>
    /// <param name="inputs">The input, <c>(batch, spatial..., in_features)</c>.</param>
    /// <param name="features">The number of filters.</param>
    /// <param name="kernelSize">The window size per spatial axis.</param>
    /// <param name="strides">The window step per spatial axis (default 1s).</param>
    /// <param name="padding"><see cref="Padding.Same"/> (default), <see cref="Padding.Valid"/> or explicit pairs.</param>
    /// <param name="inputDilation">Input dilation per spatial axis (a fractionally strided convolution); needs explicit
    /// padding.</param>
    /// <param name="kernelDilation">Kernel dilation per spatial axis (atrous convolution).</param>
    /// <param name="featureGroupCount">The number of feature groups; must divide the input features.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The dtype of the computation.</param>
    /// <param name="kernelInit">The kernel initializer (default <see cref="DefaultKernelInit"/>).</param>
    /// <param name="biasInit">The bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <returns>The output, <c>(batch, out_spatial..., features)</c>.</returns>
    /// <exception cref="ArgumentException">The input features are not divisible by <paramref name="featureGroupCount"/>,
    /// SAME or VALID padding is combined with input dilation (lax's <c>String padding is not implemented for transposed
    /// convolution using this op. ...</c>), or the shapes and window lists do not fit.</exception>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    public static Tensor Conv(Scope scope, Tensor inputs, int features, int[] kernelSize, int[]? strides = null,
        Padding? padding = null, int[]? inputDilation = null, int[]? kernelDilation = null, int featureGroupCount = 1,
        bool bias = true, DType dtype = DType.Float32, Initializer? kernelInit = null, Initializer? biasInit = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        ArgumentNullException.ThrowIfNull(kernelSize);
        RequireRank(inputs, 2, nameof(Conv));
        padding ??= Padding.Same;
        inputs = inputs.Cast(dtype);
        strides ??= [.. Enumerable.Repeat(1, inputs.Rank - 2)];
        int inFeatures = inputs.Shape[^1];
        if (featureGroupCount < 1 || inFeatures % featureGroupCount != 0)
            throw new ArgumentException($"Conv needs in_features ({inFeatures}) divisible by feature_group_count ({featureGroupCount}).", nameof(featureGroupCount));
        if (inputDilation is not null && inputDilation.Any(d => d != 1) && IsNamed(padding))
            throw new ArgumentException("String padding is not implemented for transposed convolution using this op. Please either exactly specify the required padding or use conv_transpose.", nameof(padding));

        var kernel = InputKernel(scope, inputs, kernelInit ?? DefaultKernelInit, [.. kernelSize, inFeatures / featureGroupCount, features], kernelSize.Length, featureGroupCount);
        var y = Tensor.ConvGeneralDilated(inputs, kernel.Cast(dtype), strides, padding, inputDilation, kernelDilation, featureGroupCount);
        if (bias) y += scope.Param<Tensor>("bias", biasInit ?? Initializers.Zeros, [features]).Cast(dtype);
        return y;
    }

    /// <summary>Whether <paramref name="padding"/> is <c>'SAME'</c> or <c>'VALID'</c> rather than explicit pairs.</summary>
    private static bool IsNamed(Padding padding) => ReferenceEquals(padding, Padding.Same) || ReferenceEquals(padding, Padding.Valid);
}
