using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// How a convolution or pooling window treats the borders, as in <c>lax</c>: <see cref="Same"/>, <see cref="Valid"/>,
/// or explicit <c>(low, high)</c> pairs per spatial axis (<see cref="Explicit"/>).
/// </summary>
public sealed class Padding
{
    private readonly string? _mode;
    private readonly ImmutableArray<(int Low, int High)> _pairs;

    private Padding(string? mode, ImmutableArray<(int Low, int High)> pairs) => (_mode, _pairs) = (mode, pairs);

    /// <summary><c>"SAME"</c>: output size <c>ceil(input / stride)</c>, the padding split evenly with the extra element
    /// at the end (<c>lax.padtype_to_pads</c>).</summary>
    public static Padding Same { get; } = new("SAME", []);

    /// <summary><c>"VALID"</c>: no padding; only whole windows.</summary>
    public static Padding Valid { get; } = new("VALID", []);

    /// <summary>Explicit <c>(low, high)</c> padding, one pair per windowed axis.</summary>
    /// <param name="pairs">The pairs.</param>
    public static Padding Explicit(params (int Low, int High)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return new Padding(null, [.. pairs]);
    }

    /// <summary>Prints like lax's argument: <c>SAME</c>, <c>VALID</c> or <c>((1, 1), (0, 0))</c>.</summary>
    public override string ToString() => _mode ?? Shapes.FormatPairs(_pairs);

    /// <summary>
    /// The explicit pairs for windows of <paramref name="window"/> (already dilated) sliding with
    /// <paramref name="strides"/> over <paramref name="sizes"/>. An axis of dynamic size (-1) with window and stride 1
    /// gets no padding.
    /// </summary>
    /// <exception cref="ArgumentException">Explicit pairs of the wrong count, or SAME on a dynamic axis with a
    /// larger window or stride.</exception>
    internal ImmutableArray<(int Low, int High)> Resolve(ReadOnlySpan<int> sizes, ReadOnlySpan<int> window, ReadOnlySpan<int> strides)
    {
        if (_mode is null)
        {
            if (_pairs.Length != sizes.Length)
                throw new ArgumentException($"Padding {this} needs {sizes.Length} (low, high) pairs, one per windowed axis.");
            return _pairs;
        }
        var pairs = new (int Low, int High)[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            // A stride below 1 is left to the primitive's shape check, which names every parameter.
            if (_mode == "VALID" || strides[i] < 1 || (sizes[i] < 0 && window[i] == 1 && strides[i] == 1)) continue;
            if (sizes[i] < 0)
                throw new ArgumentException($"SAME padding needs a static size on axis {i}, which has a window of {window[i]} and a stride of {strides[i]}.");
            int output = (sizes[i] + strides[i] - 1) / strides[i];
            int total = Math.Max((output - 1) * strides[i] + window[i] - sizes[i], 0);
            pairs[i] = (total / 2, total - total / 2);
        }
        return [.. pairs];
    }
}
