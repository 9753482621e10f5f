namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// A transposed N-d convolution in NHWC layout (<c>flax.core.nn.conv_transpose</c>, <c>lax.conv_transpose</c>
    /// without kernel flip): the input-dilated convolution that upsamples by <paramref name="strides"/>. SAME gives
    /// <c>in * stride</c> outputs, VALID <c>in * stride + max(k - stride, 0)</c> for a (dilated) kernel size <c>k</c>;
    /// explicit pairs are the padding of that input-dilated convolution. Creates <c>kernel</c> of shape
    /// <c>kernelSize + (in_features, features)</c>, then (with <paramref name="bias"/>) <c>bias</c> of shape
    /// <c>(features,)</c>.
    /// </summary>
    /// <param name="scope">The scope that holds <c>kernel</c> and <c>bias</c>.</param>
    /// <param name="inputs">The input, <c>(batch, spatial..., in_features)</c>.</param>
    /// <param name="features">The number of filters.</param>
    /// <param name="kernelSize">The window size per spatial axis.</param>
    /// <param name="strides">The upsampling factor per spatial axis (default 1s).</param>
    /// <param name="padding"><see cref="Padding.Same"/> (default), <see cref="Padding.Valid"/> or explicit pairs.</param>
    /// <param name="kernelDilation">Kernel dilation per spatial axis.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The dtype of the computation.</param>
    /// <param name="kernelInit">The kernel initializer (default <see cref="DefaultKernelInit"/>).</param>
    /// <param name="biasInit">The bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <returns>The output, <c>(batch, out_spatial..., features)</c>.</returns>
    /// <exception cref="ArgumentException">The shapes and window lists do not fit.</exception>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    public static Tensor ConvTranspose(Scope scope, Tensor inputs, int features, int[] kernelSize, int[]? strides = null,
        Padding? padding = null, int[]? kernelDilation = null, bool bias = true, DType dtype = DType.Float32,
        Initializer? kernelInit = null, Initializer? biasInit = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        ArgumentNullException.ThrowIfNull(kernelSize);
        RequireRank(inputs, 2, nameof(ConvTranspose));
        padding ??= Padding.Same;
        inputs = inputs.Cast(dtype);
        int n = inputs.Rank - 2;
        strides ??= [.. Enumerable.Repeat(1, n)];
        kernelDilation ??= [.. Enumerable.Repeat(1, n)];
        if (kernelSize.Length != n || strides.Length != n || kernelDilation.Length != n)
            throw new ArgumentException($"ConvTranspose needs one kernel size, stride and dilation per spatial axis of inputs {Shapes.Format(inputs.Shape)}, got kernel_size {Shapes.Format(kernelSize)}, strides {Shapes.Format(strides)} and kernel_dilation {Shapes.Format(kernelDilation)}.");

        var kernel = InputKernel(scope, inputs, kernelInit ?? DefaultKernelInit, [.. kernelSize, inputs.Shape[^1], features], kernelSize.Length);
        int[] windows = [.. kernelSize.Select((k, i) => (k - 1) * kernelDilation[i] + 1)];
        var pads = IsNamed(padding)
            ? windows.Select((k, i) => TransposePadding(ReferenceEquals(padding, Padding.Same), k, strides[i])).ToArray()
            : [.. padding.Resolve(new int[n], windows, strides)];
        var y = Tensor.ConvGeneralDilated(inputs, kernel.Cast(dtype), [.. Enumerable.Repeat(1, n)], Padding.Explicit(pads),
            lhsDilation: strides, rhsDilation: kernelDilation);
        if (bias) y += scope.Param<Tensor>("bias", biasInit ?? Initializers.Zeros, [features]).Cast(dtype);
        return y;
    }

    /// <summary>
    /// <c>lax._conv_transpose_padding</c>: the padding of the input-dilated convolution for a dilated kernel of size
    /// <paramref name="k"/> and stride <paramref name="s"/>, SAME or VALID.
    /// </summary>
    private static (int Low, int High) TransposePadding(bool same, int k, int s)
    {
        int total = same ? k + s - 2 : k + s - 2 + Math.Max(k - s, 0);
        int low = same && s <= k - 1 ? (total + 1) / 2 : k - 1;
        return (low, total - low);
    }
}
