using System.Globalization;

namespace Flax;

/// <summary>
/// The shortest decimal digits that identify a floating-point value of a given dtype, and the positional and scientific
/// texts numpy builds from them (its Dragon4 <c>unique=True</c> mode).
/// </summary>
/// <param name="Negative">The sign bit.</param>
/// <param name="Digits">The significant digits without leading zeros ("0" for zero).</param>
/// <param name="Exponent">The decimal exponent of the first digit: value = d.ddd × 10^Exponent.</param>
internal readonly record struct FloatDigits(bool Negative, string Digits, int Exponent)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The shortest digits that round back to <paramref name="value"/> in <paramref name="dtype"/>.</summary>
    /// <param name="value">A finite value of <paramref name="dtype"/>, widened to double.</param>
    /// <param name="dtype">A float dtype.</param>
    public static FloatDigits Shortest(double value, DType dtype)
    {
        bool negative = double.IsNegative(value);
        if (value == 0) return new FloatDigits(negative, "0", 0);
        double magnitude = Math.Abs(value);
        for (int precision = 1; precision < 17; precision++)
        {
            var nearest = Parse(negative, magnitude.ToString("E" + (precision - 1), Invariant));
            if (RoundTrips(nearest.Value, magnitude, dtype)) return nearest;
            var other = nearest.Step(nearest.Value > magnitude ? -1 : 1);      // the p-digit decimal on the other side
            if (RoundTrips(other.Value, magnitude, dtype)) return other;
        }
        return Parse(negative, magnitude.ToString("E16", Invariant));
    }

    /// <summary>The magnitude these digits denote.</summary>
    private double Value => double.Parse(Digits + "E" + (Exponent - Digits.Length + 1), Invariant);

    /// <summary>The decimal with as many digits that is <paramref name="delta"/> units of the last digit away.</summary>
    private FloatDigits Step(int delta)
    {
        string digits = (System.Numerics.BigInteger.Parse(Digits, Invariant) + delta).ToString(Invariant);
        int exponent = Exponent + digits.Length - Digits.Length;
        return new FloatDigits(Negative, digits.PadRight(Digits.Length, '9')[..Digits.Length], exponent);
    }

    /// <summary>The digits of <paramref name="value"/> rounded to <paramref name="significant"/> significant digits.</summary>
    public static FloatDigits Rounded(double value, int significant) =>
        Parse(double.IsNegative(value), Math.Abs(value).ToString("E" + (significant - 1), Invariant));

    /// <summary>The integer and fraction parts of the positional text, at most <paramref name="maxFraction"/>
    /// fraction digits (numpy's <c>precision</c>), trailing zeros of the fraction removed. With
    /// <paramref name="exactIntegers"/> an integer-valued float whose shortest digits end above the units digit prints all
    /// its digits (numpy arrays: <c>23936.</c>), otherwise it is padded with zeros (numpy scalars: <c>123456790.0</c>).</summary>
    public (string Integer, string Fraction) Positional(double value, int maxFraction, bool exactIntegers)
    {
        string digits = Digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        if (exactIntegers && Exponent + 1 > digits.Length)
            return (Sign + Math.Abs(value).ToString("F0", Invariant), "");
        if (digits.Length - 1 - Exponent > maxFraction)
        {
            string fixedText = Math.Abs(value).ToString("F" + maxFraction, Invariant);
            int dot = fixedText.IndexOf('.');
            return (Sign + fixedText[..dot], fixedText[(dot + 1)..].TrimEnd('0'));
        }
        string integer = Exponent >= 0
            ? digits[..Math.Min(digits.Length, Exponent + 1)].PadRight(Exponent + 1, '0')
            : "0";
        string fraction = Exponent >= 0
            ? (digits.Length > Exponent + 1 ? digits[(Exponent + 1)..] : "")
            : new string('0', -Exponent - 1) + digits;
        return (Sign + integer, fraction);
    }

    /// <summary>The mantissa fraction digits of the scientific text, at most <paramref name="maxFraction"/> of them,
    /// trailing zeros removed; the exponent may change by rounding.</summary>
    public FloatDigits Scientific(double value, int maxFraction) =>
        Digits.TrimEnd('0').Length - 1 > maxFraction ? Rounded(value, maxFraction + 1) : this;

    private string Sign => Negative ? "-" : "";

    private static FloatDigits Parse(bool negative, string text)
    {
        int e = text.IndexOf('E');
        string digits = text[..e].Replace(".", "", StringComparison.Ordinal);
        return new FloatDigits(negative, digits, int.Parse(text[(e + 1)..], Invariant));
    }

    private static bool RoundTrips(double candidate, double value, DType dtype) => dtype switch
    {
        DType.Float32 => (float)candidate == (float)value,
        DType.Float16 => (Half)candidate == (Half)value,
        DType.BFloat16 => ((BFloat16)(float)candidate).Bits == ((BFloat16)(float)value).Bits,
        _ => candidate == value,
    };
}
