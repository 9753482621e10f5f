namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Flax's <c>pool</c>: a window reduction over the window axes of <c>(batch..., window dims..., features)</c>
    /// inputs, with windows and strides of 1 on the batch and feature axes. An input without a batch axis gets a
    /// temporary one.
    /// </summary>
    /// <exception cref="ArgumentException">The window, strides and padding do not have one entry per window axis, or the
    /// input has too few axes.</exception>
    private static Tensor Pool(Tensor inputs, bool max, int[] windowShape, int[]? strides, Padding padding)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(windowShape);
        ArgumentNullException.ThrowIfNull(padding);
        strides ??= [.. Enumerable.Repeat(1, windowShape.Length)];
        if (windowShape.Length != strides.Length)
            throw new ArgumentException($"len({Shapes.Format(windowShape)}) must equal len({Shapes.Format(strides)})", nameof(strides));
        int batchDims = inputs.Rank - (windowShape.Length + 1);
        if (batchDims < 0)
            throw new ArgumentException($"Pooling with window_shape {Shapes.Format(windowShape)} needs inputs of rank at least {windowShape.Length + 1}, got shape {Shapes.Format(inputs.Shape)}.", nameof(inputs));
        bool single = batchDims == 0;
        var x = single ? inputs.ExpandDims(0) : inputs;
        int outer = Math.Max(batchDims, 1);
        int[] Full(int[] inner) => [.. Enumerable.Repeat(1, outer), .. inner, 1];
        if (!IsNamed(padding))
        {
            var pairs = padding.Resolve(new int[windowShape.Length], windowShape, strides);
            (int, int)[] full = [.. Enumerable.Repeat((0, 0), outer), .. pairs, (0, 0)];
            padding = Padding.Explicit(full);
            // Flax pads a max pool with -inf (lax.reduce_window's init value). ONNX Runtime's MaxPool refuses padding as
            // wide as its window, which Flax allows: pad explicitly then, and pool without padding.
            if (max && pairs.Where((pair, i) => Math.Max(pair.Low, pair.High) >= windowShape[i]).Any())
                (x, padding) = (x.Pad(full, double.NegativeInfinity), Padding.Explicit([.. full.Select(_ => (0, 0))]));
        }
        var y = max ? x.ReduceWindowMax(Full(windowShape), Full(strides), padding) : x.ReduceWindowSum(Full(windowShape), Full(strides), padding);
        return single ? y.Squeeze(0) : y;
    }
}
