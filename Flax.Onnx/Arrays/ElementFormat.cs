using System.Globalization;

namespace Flax;

/// <summary>
/// Formats the elements of one array so that they line up, like numpy's <c>FloatingFormat</c>, <c>IntegerFormat</c> and
/// <c>BoolFormat</c> with the default print options (precision 8, <c>floatmode='maxprec'</c>).
/// </summary>
internal sealed class ElementFormat
{
    private const int Precision = 8;
    private readonly DType _dtype;
    private readonly bool _scientific;
    private readonly int _padLeft, _padRight, _fraction, _exponentDigits, _integerWidth;

    /// <summary>Chooses the layout from the values that will be shown (all of them, or the edge items of a summary).</summary>
    public ElementFormat(DType dtype, IReadOnlyList<double> shown, IReadOnlyList<Int128> shownIntegers)
    {
        _dtype = dtype;
        if (dtype.IsInteger())
        {
            foreach (var v in shownIntegers) _integerWidth = Math.Max(_integerWidth, v.ToString(CultureInfo.InvariantCulture).Length);
            return;
        }
        if (!dtype.IsFloat()) return;
        var finite = shown.Where(double.IsFinite).ToList();
        var nonZero = finite.Where(v => v != 0).Select(Math.Abs).ToList();
        if (nonZero.Count > 0)
        {
            double max = nonZero.Max(), min = nonZero.Min();
            _scientific = max >= 1e8 || min < 1e-4 || max / min > 1e3;
        }
        foreach (var v in finite)
        {
            var digits = FloatDigits.Shortest(v, dtype);
            if (_scientific)
            {
                var d = digits.Scientific(v, Precision);
                string mantissa = d.Digits.TrimEnd('0');
                _padLeft = Math.Max(_padLeft, d.Negative ? 2 : 1);
                _fraction = Math.Max(_fraction, Math.Max(mantissa.Length, 1) - 1);
                _exponentDigits = Math.Max(_exponentDigits, Math.Max(2, Math.Abs(d.Exponent).ToString(CultureInfo.InvariantCulture).Length));
            }
            else
            {
                var (integer, fraction) = digits.Positional(v, Precision, exactIntegers: true);
                _padLeft = Math.Max(_padLeft, integer.Length);
                _padRight = Math.Max(_padRight, fraction.Length);
            }
        }
        if (_scientific) _padRight = _exponentDigits + 2 + _fraction;
        if (finite.Count != shown.Count)
        {
            int infWidth = shown.Any(v => double.IsNegativeInfinity(v)) ? 4 : 3;
            _padLeft = Math.Max(_padLeft, Math.Max(3, infWidth) - (_padRight + 1));
        }
    }

    /// <summary>Formats one element of an array with at least one dimension.</summary>
    public string Format(double value, Int128 integer)
    {
        if (_dtype == DType.Bool) return integer != 0 ? " True" : "False";
        if (_dtype.IsInteger()) return integer.ToString(CultureInfo.InvariantCulture).PadLeft(_integerWidth);
        if (!double.IsFinite(value))
            return NonFinite(value).PadLeft(_padLeft + _padRight + 1);
        if (_scientific)
        {
            // numpy prints the shortest unique digits, continued with the exact digits up to the common count.
            var shortest = FloatDigits.Shortest(value, _dtype).Scientific(value, Precision);
            var d = shortest.Digits.Length == _fraction + 1 ? shortest : FloatDigits.Rounded(value, _fraction + 1);
            string text = (d.Negative ? "-" : "") + d.Digits[0] + "." + d.Digits[1..]
                + (d.Exponent < 0 ? "e-" : "e+") + Math.Abs(d.Exponent).ToString(CultureInfo.InvariantCulture).PadLeft(_exponentDigits, '0');
            return text.PadLeft(_padLeft + _padRight + 1);
        }
        var (integerPart, fraction) = FloatDigits.Shortest(value, _dtype).Positional(value, Precision, exactIntegers: true);
        return integerPart.PadLeft(_padLeft) + "." + fraction.PadRight(_padRight);
    }

    /// <summary>Formats the value of a 0-d array the way numpy prints a scalar (<c>str(np.float32(x))</c>).</summary>
    public static string FormatScalar(DType dtype, double value, Int128 integer)
    {
        if (dtype == DType.Bool) return integer != 0 ? "True" : "False";
        if (dtype.IsInteger()) return integer.ToString(CultureInfo.InvariantCulture);
        if (!double.IsFinite(value)) return NonFinite(value);
        var d = FloatDigits.Shortest(value, dtype);
        string sign = d.Negative ? "-" : "";
        if (d.Exponent is >= -4 and < 16)
        {
            var (integerPart, fraction) = d.Positional(value, int.MaxValue, exactIntegers: false);
            return integerPart + "." + (fraction.Length == 0 ? "0" : fraction);
        }
        string mantissa = d.Digits.Length == 1 ? d.Digits : d.Digits[0] + "." + d.Digits[1..];
        return sign + mantissa + (d.Exponent < 0 ? "e-" : "e+") + Math.Abs(d.Exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    private static string NonFinite(double value) =>
        double.IsNaN(value) ? "nan" : value < 0 ? "-inf" : "inf";
}
