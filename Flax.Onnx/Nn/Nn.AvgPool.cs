namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Average pooling (<c>flax.linen.avg_pool</c>, re-exported by <c>flax.core.nn</c>): the mean over each window of the
    /// window axes of <c>(batch..., window dims..., features)</c> inputs.
    /// </summary>
    /// <param name="inputs">The input.</param>
    /// <param name="windowShape">The window size per window axis.</param>
    /// <param name="strides">The window step per window axis (default 1s).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default), <see cref="Padding.Same"/> or explicit pairs.</param>
    /// <param name="countIncludePad">Divide by the full window size, counting padded positions (the default), instead
    /// of by the number of real elements in the window.</param>
    /// <returns>The pooled input.</returns>
    /// <exception cref="ArgumentException">The window, strides and padding do not fit the input.</exception>
    public static Tensor AvgPool(Tensor inputs, int[] windowShape, int[]? strides = null, Padding? padding = null, bool countIncludePad = true)
    {
        padding ??= Padding.Valid;
        var sums = Pool(inputs, max: false, windowShape, strides, padding);
        if (countIncludePad) return sums / Product(windowShape);
        int[] divShape = [.. inputs.Shape[..^1], 1];
        if (divShape.Length - 2 == windowShape.Length) divShape[0] = 1;
        return sums / Pool(NDArray.Ones(inputs.DType, divShape), max: false, windowShape, strides, padding);
    }
}
