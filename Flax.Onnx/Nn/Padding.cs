namespace Flax;

/// <summary>
/// The padding of a convolution or pooling window over the spatial axes: <see cref="Same"/>, <see cref="Valid"/>
/// or explicit <c>(low, high)</c> pairs, one per spatial axis (Flax's <c>padding='SAME' | 'VALID' | [(lo, hi), ...]</c>).
/// A string converts implicitly: <c>padding: "SAME"</c>.
/// </summary>
public sealed class Padding
{
    private readonly (int Low, int High)[]? _pairs;

    private Padding(string? name, (int Low, int High)[]? pairs)
    {
        Name = name;
        _pairs = pairs;
    }

    /// <summary>
    /// <c>'SAME'</c>: a convolution or pool with stride <c>s</c> gives <c>ceil(n / s)</c> outputs; the padding is split
    /// evenly with the odd element at the end (<c>lax.padtype_to_pads</c>). For a transposed convolution it gives
    /// <c>n * s</c> outputs (<c>lax.conv_transpose</c>).
    /// </summary>
    public static Padding Same { get; } = new("SAME", null);

    /// <summary><c>'VALID'</c>: no padding; only windows that fit entirely inside the input.</summary>
    public static Padding Valid { get; } = new("VALID", null);

    /// <summary>Explicit <c>(low, high)</c> padding per spatial axis (negative values crop).</summary>
    /// <param name="pairs">One pair per spatial axis.</param>
    public static Padding Explicit(params (int Low, int High)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return new(null, ((int, int)[])pairs.Clone());
    }

    /// <summary>Parses <c>"SAME"</c> or <c>"VALID"</c> (case-insensitive, like <c>lax.padtype_to_pads</c>).</summary>
    /// <exception cref="ArgumentException">Any other string.</exception>
    public static implicit operator Padding(string name) => name?.ToUpperInvariant() switch
    {
        "SAME" => Same,
        "VALID" => Valid,
        _ => throw new ArgumentException($"Unrecognized padding type: expected 'VALID' or 'SAME', got {name}.", nameof(name)),
    };

    /// <summary><c>"SAME"</c> or <c>"VALID"</c>, or null for explicit pairs.</summary>
    public string? Name { get; }

    /// <summary>The explicit pairs (a copy), or null for <see cref="Same"/> and <see cref="Valid"/>.</summary>
    public (int Low, int High)[]? Pairs => ((int, int)[]?)_pairs?.Clone();

    /// <summary>
    /// The <c>(low, high)</c> pairs of a forward window (convolution or pool) over <paramref name="sizes"/> with
    /// (dilated) window sizes <paramref name="windows"/> and <paramref name="strides"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Explicit pairs whose count differs from the number of axes.</exception>
    internal (int Low, int High)[] Resolve(int[] sizes, int[] windows, int[] strides)
    {
        if (_pairs is not null) return CheckCount(sizes.Length);
        var pads = new (int, int)[sizes.Length];
        if (this == Valid) return pads;
        for (int i = 0; i < sizes.Length; i++)
        {
            int outSize = (sizes[i] + strides[i] - 1) / strides[i];
            int total = Math.Max((outSize - 1) * strides[i] + windows[i] - sizes[i], 0);
            pads[i] = (total / 2, total - total / 2);
        }
        return pads;
    }

    /// <summary>
    /// The pairs of the input-dilated convolution that computes a transposed convolution with (dilated) kernel
    /// sizes <paramref name="windows"/> and <paramref name="strides"/> (<c>lax._conv_transpose_padding</c>);
    /// explicit pairs are used as they are.
    /// </summary>
    /// <exception cref="ArgumentException">Explicit pairs whose count differs from the number of axes.</exception>
    internal (int Low, int High)[] ResolveTranspose(int[] windows, int[] strides)
    {
        if (_pairs is not null) return CheckCount(windows.Length);
        var pads = new (int, int)[windows.Length];
        for (int i = 0; i < windows.Length; i++)
        {
            int k = windows[i], s = strides[i];
            int total = this == Same ? k + s - 2 : k + s - 2 + Math.Max(k - s, 0);
            int low = this == Same && s <= k - 1 ? (total + 1) / 2 : k - 1;
            pads[i] = (low, total - low);
        }
        return pads;
    }

    /// <summary>The padding as Flax writes it: <c>'SAME'</c>, <c>'VALID'</c> or <c>((1, 1), (2, 2))</c>.</summary>
    public override string ToString() =>
        Name is not null ? $"'{Name}'" : Format(_pairs!);

    internal static string Format((int Low, int High)[] pairs)
    {
        var items = pairs.Select(p => $"({p.Low}, {p.High})").ToArray();
        return items.Length == 1 ? $"({items[0]},)" : "(" + string.Join(", ", items) + ")";
    }

    private (int Low, int High)[] CheckCount(int axes)
    {
        if (_pairs!.Length != axes)
            throw new ArgumentException($"padding {Format(_pairs)} must specify pads for same number of dims as the window ({axes} spatial dimensions).");
        return ((int, int)[])_pairs.Clone();
    }
}
