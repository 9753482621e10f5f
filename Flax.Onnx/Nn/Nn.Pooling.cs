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
        (int, int)[]? padOutput = null;
        if (!IsNamed(padding))
        {
            var pairs = padding.Resolve(new int[windowShape.Length], windowShape, strides);
            (int, int)[] full = [.. Enumerable.Repeat((0, 0), outer), .. pairs, (0, 0)];
            padding = Padding.Explicit(full);
            // Flax pads a max pool with -inf (lax.reduce_window's init value). ONNX Runtime's MaxPool refuses padding as
            // wide as its window, which Flax allows: pad explicitly then, and pool without padding.
            if (max && pairs.Where((pair, i) => Math.Max(pair.Low, pair.High) >= windowShape[i]).Any())
            {
                var split = pairs.Select((pair, i) => SplitMaxPadding(x.Shape[outer + i], pair, windowShape[i], strides[i])).ToArray();
                (int Low, int High)[] Around(IEnumerable<(int, int)> inner) => [.. Enumerable.Repeat((0, 0), outer), .. inner, (0, 0)];
                x = x.Pad(Around(split.Select(s => (Math.Max(s.Input.Low, 0), Math.Max(s.Input.High, 0)))), double.NegativeInfinity);
                // A negative side is data that no window reaches (between windows wider apart than they are wide).
                var cut = Around(split.Select(s => (Math.Max(-s.Input.Low, 0), Math.Max(-s.Input.High, 0))));
                if (cut.Any(c => c != (0, 0)))
                    x = x.Slice([.. cut.Select(c => c.Low)], [.. cut.Select((c, a) => x.Shape[a] - c.High)]);
                (padding, padOutput) = (Padding.Explicit([.. full.Select(_ => (0, 0))]), Around(split.Select(s => s.Output)));
            }
        }
        var y = max ? x.ReduceWindowMax(Full(windowShape), Full(strides), padding) : x.ReduceWindowSum(Full(windowShape), Full(strides), padding);
        if (padOutput is not null) y = y.Pad(padOutput, double.NegativeInfinity);
        return single ? y.Squeeze(0) : y;
    }

    /// <summary>
    /// How a max pool pads one window axis of <paramref name="size"/> values explicitly with -inf: the input gets the
    /// padding that the windows overlapping the data need (negative: data that no window reaches, when windows lie
    /// further apart than they are wide), and the windows that lie entirely in the padding, whose max is -inf, become
    /// -inf padding of the output. (Pooling them gives -inf on the CPU too, but ONNX Runtime's CUDA MaxPool gives
    /// -3.4028235E+38 for a window of -inf values.) A dynamic axis keeps its padding on the input.
    /// </summary>
    private static ((int Low, int High) Input, (int Low, int High) Output) SplitMaxPadding(int size, (int Low, int High) pad,
        int window, int stride)
    {
        int windows = (pad.Low + size + pad.High - window) / stride + 1;
        if (size < 1 || windows < 1) return (pad, (0, 0));
        int low = pad.Low >= window ? (pad.Low - window) / stride + 1 : 0;
        int firstInHigh = (pad.Low + size + stride - 1) / stride;
        int high = Math.Max(0, windows - firstInHigh);
        int inputHigh = high > 0 ? (firstInHigh - 1) * stride + window - pad.Low - size : pad.High;
        return ((pad.Low - low * stride, inputHigh), (low, high));
    }
}
