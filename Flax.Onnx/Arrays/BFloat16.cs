namespace Flax;

/// <summary>
/// A bfloat16 value (the upper 16 bits of a float32), stored as its raw bits. Conversion from float rounds to
/// nearest-even like <c>jnp.bfloat16</c> / ml_dtypes.
/// </summary>
/// <param name="Bits">The raw 16 bits.</param>
public readonly record struct BFloat16(ushort Bits)
{
    /// <summary>Rounds a float to the nearest bfloat16 (ties to even; NaN stays NaN), as <c>np.float32(x).astype(jnp.bfloat16)</c> does.</summary>
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return new BFloat16((ushort)((bits >> 16) | 0x40));
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + rounding) >> 16));
    }

    /// <summary>Widens to float exactly.</summary>
    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.Bits << 16);

    /// <summary>Prints the float value.</summary>
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
