using System.Diagnostics.CodeAnalysis;

namespace Flax;

/// <summary>
/// The lane operations the PRNG kernels are written against, so that one generic algorithm runs on 512-, 256- or 128-bit
/// vectors or on a single scalar lane and gives bit-identical results on each: every operation here is exact or
/// correctly rounded per lane (no estimates), and fused multiply-add is always fused.
/// </summary>
/// <typeparam name="TU">A vector of uint32 lanes.</typeparam>
/// <typeparam name="TF">A vector of float32 lanes (as many as <typeparamref name="TU"/>).</typeparam>
/// <typeparam name="TD">A vector of float64 lanes (half as many; the scalar lane keeps one).</typeparam>
internal interface ILanes<TU, TF, TD>
{
    /// <summary>The number of uint32 / float32 lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> words starting at <paramref name="source"/>.</summary>
    static abstract TU Load(ref uint source);

    /// <summary>Stores <see cref="Count"/> words starting at <paramref name="destination"/>.</summary>
    static abstract void Store(TU value, ref uint destination);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TU Broadcast(uint value);

    /// <summary>Lane <c>j</c> set to <c>start + j</c> (wrapping).</summary>
    static abstract TU Sequence(uint start);

    /// <summary>Wrapping addition.</summary>
    static abstract TU Add(TU a, TU b);

    /// <summary>Bitwise exclusive or.</summary>
    static abstract TU Xor(TU a, TU b);

    /// <summary>Bitwise or.</summary>
    static abstract TU Or(TU a, TU b);

    /// <summary>Bitwise and.</summary>
    static abstract TU And(TU a, TU b);

    /// <summary>Logical right shift by a constant.</summary>
    static abstract TU ShiftRight(TU a, int count);

    /// <summary>Left rotation by a constant in [1, 31].</summary>
    static abstract TU RotateLeft(TU a, [ConstantExpected(Min = 1, Max = 31)] byte count);

    /// <summary>All ones where <c>a &gt; b</c> (unsigned), else zero.</summary>
    static abstract TU GreaterThan(TU a, TU b);

    /// <summary>Lanes of <paramref name="a"/> where <paramref name="mask"/> is all ones, else of <paramref name="b"/>.</summary>
    static abstract TU Select(TU mask, TU a, TU b);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TF Broadcast(float value);

    /// <summary>Reinterprets the bits as float32.</summary>
    static abstract TF AsFloat(TU bits);

    /// <summary>Reinterprets the float32 lanes as bits.</summary>
    static abstract TU AsUInt(TF value);

    /// <summary>float32 addition.</summary>
    static abstract TF Add(TF a, TF b);

    /// <summary>float32 subtraction.</summary>
    static abstract TF Subtract(TF a, TF b);

    /// <summary>float32 multiplication.</summary>
    static abstract TF Multiply(TF a, TF b);

    /// <summary>float32 division.</summary>
    static abstract TF Divide(TF a, TF b);

    /// <summary><c>a * b + c</c> with one rounding.</summary>
    static abstract TF FusedMultiplyAdd(TF a, TF b, TF c);

    /// <summary>IEEE maximum (NaN-propagating, <c>+0 &gt; -0</c>), like XLA's <c>max</c>.</summary>
    static abstract TF Max(TF a, TF b);

    /// <summary>IEEE minimum (NaN-propagating, <c>-0 &lt; +0</c>), like XLA's <c>min</c>.</summary>
    static abstract TF Min(TF a, TF b);

    /// <summary>Correctly rounded square root.</summary>
    static abstract TF Sqrt(TF a);

    /// <summary>Absolute value.</summary>
    static abstract TF Abs(TF a);

    /// <summary>All ones where <c>a &lt; b</c>, else zero.</summary>
    static abstract TU LessThan(TF a, TF b);

    /// <summary>All ones where <c>a == b</c>, else zero.</summary>
    static abstract TU Equal(TF a, TF b);

    /// <summary>Lanes of <paramref name="a"/> where <paramref name="mask"/> is all ones, else of <paramref name="b"/>.</summary>
    static abstract TF Select(TU mask, TF a, TF b);

    /// <summary>The lower half of the float32 lanes widened to float64 (the scalar lane widens its one value).</summary>
    static abstract TD WidenLower(TF value);

    /// <summary>The upper half of the float32 lanes widened to float64 (unused by the scalar lane).</summary>
    static abstract TD WidenUpper(TF value);

    /// <summary>Rounds two float64 halves back to one vector of float32 lanes.</summary>
    static abstract TF Narrow(TD lower, TD upper);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TD Broadcast(double value);

    /// <summary>float64 addition.</summary>
    static abstract TD Add(TD a, TD b);

    /// <summary>float64 multiplication.</summary>
    static abstract TD Multiply(TD a, TD b);

    /// <summary>float64 division.</summary>
    static abstract TD Divide(TD a, TD b);

    /// <summary><c>a * b + c</c> in float64 with one rounding.</summary>
    static abstract TD FusedMultiplyAdd(TD a, TD b, TD c);
}
