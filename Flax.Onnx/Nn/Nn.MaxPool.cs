namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Max pooling (<c>flax.linen.max_pool</c>, re-exported by <c>flax.core.nn</c>): the maximum over each window of the
    /// window axes of <c>(batch..., window dims..., features)</c> inputs; padded positions count as -inf.
    /// </summary>
    /// <param name="inputs">The input.</param>
    /// <param name="windowShape">The window size per window axis.</param>
    /// <param name="strides">The window step per window axis (default 1s).</param>
    /// <param name="padding"><see cref="Padding.Valid"/> (default), <see cref="Padding.Same"/> or explicit pairs.</param>
    /// <returns>The pooled input.</returns>
    /// <exception cref="ArgumentException">The window, strides and padding do not fit the input.</exception>
    public static Tensor MaxPool(Tensor inputs, int[] windowShape, int[]? strides = null, Padding? padding = null) =>
        Pool(inputs, max: true, windowShape, strides, padding ?? Padding.Valid);
}
