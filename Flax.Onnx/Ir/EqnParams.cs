using System.Collections.Immutable;
using System.Globalization;

namespace Flax.Ir;

/// <summary>
/// The static parameters of an equation: one immutable record type per family of <see cref="Primitive"/>s (each
/// primitive's documentation names its record). Passes read them by pattern (<c>(DotGeneralParams)eqn.Params</c>) and
/// create changed copies with <c>with</c>. Equality of records holding arrays is by reference: compare the printed
/// form (<see cref="ToString"/>) when a structural comparison is needed.
/// </summary>
public abstract record EqnParams
{
    /// <summary>The params of primitives that have none (element-wise arithmetic, comparisons, ...).</summary>
    public static EqnParams None { get; } = new NoParams();

    /// <summary>The entries as <c>(name, value)</c> pairs, value printed like Python, in the printed order
    /// (sorted by name).</summary>
    internal abstract IEnumerable<(string Name, string Value)> Entries();

    /// <summary>The closed sub-programs these params hold (a loop's body, a custom rule), by their printed name; the
    /// checker checks each. Their printed form is part of <see cref="ToString"/>, the key by which passes compare params
    /// (common subexpressions, the jit cache); a primitive whose sub-programs must compare exactly forbids constants
    /// the printer does not spell out (only one-element constants print as literals).</summary>
    internal virtual IEnumerable<(string Name, Program Program)> Programs() => [];

    /// <summary>Prints the params like a jaxpr: <c>[lhs_batch=() lhs_contracting=(1,)]</c>, or nothing when empty.</summary>
    public sealed override string ToString()
    {
        var parts = Entries().OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => $"{e.Name}={e.Value}").ToArray();
        return parts.Length == 0 ? "" : "[" + string.Join(" ", parts) + "]";
    }

    /// <summary>Python-style tuple text of integers: <c>(1, 2)</c>, <c>(3,)</c>, <c>()</c>; -1 prints as <c>None</c>.</summary>
    internal static string Tuple(ImmutableArray<int> values) => Shapes.Format(values.AsSpan());

    /// <summary>A float the way Python prints it: <c>0.5</c>, <c>1.0</c>, <c>-inf</c>, <c>nan</c>.</summary>
    internal static string Number(double value, string? roundTrip = null)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = roundTrip ?? value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    /// <summary>An integer in invariant culture.</summary>
    internal static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record NoParams : EqnParams
    {
        internal override IEnumerable<(string Name, string Value)> Entries() => [];
    }
}

/// <summary>Params of <see cref="Primitive.ConvertElementType"/>.</summary>
/// <param name="NewDType">The output dtype.</param>
public sealed record ConvertElementTypeParams(DType NewDType) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() => [("new_dtype", NewDType.Name())];
}

/// <summary>Params of <see cref="Primitive.DotGeneral"/> (lax's <c>dimension_numbers</c>).</summary>
/// <param name="LhsContracting">Axes of lhs summed over.</param>
/// <param name="RhsContracting">Axes of rhs summed over, pairwise with <paramref name="LhsContracting"/>.</param>
/// <param name="LhsBatch">Batch axes of lhs.</param>
/// <param name="RhsBatch">Batch axes of rhs, pairwise with <paramref name="LhsBatch"/>.</param>
public sealed record DotGeneralParams(
    ImmutableArray<int> LhsContracting, ImmutableArray<int> RhsContracting,
    ImmutableArray<int> LhsBatch, ImmutableArray<int> RhsBatch) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
    [
        ("lhs_contracting", Tuple(LhsContracting)), ("rhs_contracting", Tuple(RhsContracting)),
        ("lhs_batch", Tuple(LhsBatch)), ("rhs_batch", Tuple(RhsBatch)),
    ];
}

/// <summary>Params of <see cref="Primitive.ReduceSum"/>, <see cref="Primitive.ReduceMax"/> and
/// <see cref="Primitive.ReduceMin"/>.</summary>
/// <param name="Axes">The reduced axes, strictly increasing.</param>
public sealed record ReduceParams(ImmutableArray<int> Axes) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() => [("axes", Tuple(Axes))];
}

/// <summary>Params of <see cref="Primitive.Reshape"/>.</summary>
/// <param name="NewSizes">The output shape (-1 = <c>batch</c>).</param>
public sealed record ReshapeParams(ImmutableArray<int> NewSizes) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() => [("new_sizes", Tuple(NewSizes))];
}

/// <summary>Params of <see cref="Primitive.Transpose"/>.</summary>
/// <param name="Permutation">Output axis <c>i</c> is input axis <c>Permutation[i]</c>.</param>
public sealed record TransposeParams(ImmutableArray<int> Permutation) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() => [("permutation", Tuple(Permutation))];
}

/// <summary>Params of <see cref="Primitive.BroadcastInDim"/>.</summary>
/// <param name="Shape">The output shape (-1 = <c>batch</c>).</param>
/// <param name="BroadcastDimensions">The output axis of each operand axis, strictly increasing.</param>
public sealed record BroadcastInDimParams(ImmutableArray<int> Shape, ImmutableArray<int> BroadcastDimensions) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("shape", Tuple(Shape)), ("broadcast_dimensions", Tuple(BroadcastDimensions))];
}

/// <summary>Params of the primitives that act along one axis: <see cref="Primitive.Concatenate"/>,
/// <see cref="Primitive.Take"/> and <see cref="Primitive.TakeAlongAxis"/>.</summary>
/// <param name="Axis">The axis.</param>
public sealed record AxisParams(int Axis) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() => [("axis", Int(Axis))];
}

/// <summary>Params of <see cref="Primitive.Slice"/>, one entry per operand axis.</summary>
/// <param name="Start">First index kept.</param>
/// <param name="Limit">Exclusive end (-1 only for the whole of a dynamic axis).</param>
/// <param name="Strides">Steps, at least 1.</param>
public sealed record SliceParams(ImmutableArray<int> Start, ImmutableArray<int> Limit, ImmutableArray<int> Strides) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("start_indices", Tuple(Start)), ("limit_indices", Tuple(Limit)), ("strides", Tuple(Strides))];
}

/// <summary>Params of <see cref="Primitive.Pad"/>, one entry per operand axis.</summary>
/// <param name="Low">Elements added before, non-negative.</param>
/// <param name="High">Elements added after, non-negative.</param>
/// <param name="PaddingValue">The fill value, converted to the operand's dtype.</param>
public sealed record PadParams(ImmutableArray<int> Low, ImmutableArray<int> High, double PaddingValue) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("low", Tuple(Low)), ("high", Tuple(High)), ("padding_value", Number(PaddingValue))];
}

/// <summary>Params of <see cref="Primitive.Iota"/>.</summary>
/// <param name="DType">The output dtype (numeric).</param>
/// <param name="Shape">The output shape (static).</param>
/// <param name="Dimension">The axis whose coordinate is the value.</param>
public sealed record IotaParams(DType DType, ImmutableArray<int> Shape, int Dimension) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("dtype", DType.Name()), ("shape", Tuple(Shape)), ("dimension", Int(Dimension))];
}

/// <summary>Params of <see cref="Primitive.RandomBits"/>.</summary>
/// <param name="Shape">The shape of each key's block of bits (static).</param>
public sealed record RandomBitsParams(ImmutableArray<int> Shape) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() => [("shape", Tuple(Shape))];
}

/// <summary>Params of <see cref="Primitive.ConvGeneralDilated"/>, one entry per spatial axis (except the group count).</summary>
/// <param name="WindowStrides">Window steps, at least 1.</param>
/// <param name="Padding">(low, high) padding of the dilated input; may be negative.</param>
/// <param name="LhsDilation">Input dilation (transposed-convolution stride), at least 1.</param>
/// <param name="RhsDilation">Kernel dilation (atrous rate), at least 1.</param>
/// <param name="FeatureGroupCount">Number of channel groups, at least 1.</param>
public sealed record ConvParams(
    ImmutableArray<int> WindowStrides, ImmutableArray<(int Low, int High)> Padding,
    ImmutableArray<int> LhsDilation, ImmutableArray<int> RhsDilation, int FeatureGroupCount) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
    [
        ("window_strides", Tuple(WindowStrides)), ("padding", Shapes.FormatPairs(Padding)), ("lhs_dilation", Tuple(LhsDilation)),
        ("rhs_dilation", Tuple(RhsDilation)), ("feature_group_count", Int(FeatureGroupCount)),
    ];
}

/// <summary>Params of <see cref="Primitive.ConvTranspose"/> (ONNX <c>ConvTranspose</c>'s attributes), one entry per
/// spatial axis (except the group count).</summary>
/// <param name="Strides">The forward convolution's window steps (<c>strides</c>), at least 1.</param>
/// <param name="Padding">(low, high) padding cut from the full result (<c>pads</c>), non-negative.</param>
/// <param name="OutputPadding">Elements added at the high end of each axis (<c>output_padding</c>), at least 0 and
/// below the stride.</param>
/// <param name="RhsDilation">Kernel dilation (<c>dilations</c>), at least 1.</param>
/// <param name="FeatureGroupCount">Number of channel groups (<c>group</c>), at least 1.</param>
public sealed record ConvTransposeParams(
    ImmutableArray<int> Strides, ImmutableArray<(int Low, int High)> Padding, ImmutableArray<int> OutputPadding,
    ImmutableArray<int> RhsDilation, int FeatureGroupCount) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
    [
        ("strides", Tuple(Strides)), ("padding", Shapes.FormatPairs(Padding)), ("output_padding", Tuple(OutputPadding)),
        ("rhs_dilation", Tuple(RhsDilation)), ("feature_group_count", Int(FeatureGroupCount)),
    ];
}

/// <summary>Params of <see cref="Primitive.ReduceWindowMax"/> and <see cref="Primitive.ReduceWindowSum"/>, one entry
/// per operand axis.</summary>
/// <param name="WindowDimensions">Window sizes, at least 1.</param>
/// <param name="WindowStrides">Window steps, at least 1.</param>
/// <param name="Padding">(low, high) padding, non-negative.</param>
public sealed record ReduceWindowParams(
    ImmutableArray<int> WindowDimensions, ImmutableArray<int> WindowStrides, ImmutableArray<(int Low, int High)> Padding) : EqnParams
{
    internal override IEnumerable<(string Name, string Value)> Entries() =>
        [("window_dimensions", Tuple(WindowDimensions)), ("window_strides", Tuple(WindowStrides)), ("padding", Shapes.FormatPairs(Padding))];
}
