namespace Flax.Tests.Random;

/// <summary>Distances in units in the last place between float32 or float64 values.</summary>
internal static class Ulps
{
    /// <summary>The number of representable float32 values between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static long Distance(float a, float b) => Math.Abs(Ordered(a) - Ordered(b));

    /// <summary>Asserts every element is within <paramref name="maxUlps"/> of the expected bits; returns the largest distance.</summary>
    public static long AssertWithin(uint[] expectedBits, float[] actual, long maxUlps)
    {
        Assert.HasCount(expectedBits.Length, actual);
        long worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            float expected = BitConverter.UInt32BitsToSingle(expectedBits[i]);
            long d = Distance(expected, actual[i]);
            Assert.IsLessThanOrEqualTo(maxUlps, d, $"element {i}: expected {expected:R} (0x{expectedBits[i]:X8}), got {actual[i]:R} (0x{BitConverter.SingleToUInt32Bits(actual[i]):X8})");
            worst = Math.Max(worst, d);
        }
        return worst;
    }

    /// <summary>The float32 bits of decimal texts (each the shortest repr of a float32, so the parse is exact).</summary>
    public static uint[] Parse(string values) =>
        values.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => BitConverter.SingleToUInt32Bits(float.Parse(s, System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    /// <summary>The float32 bits given as hexadecimal words.</summary>
    public static uint[] Hex(string words) =>
        words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => Convert.ToUInt32(s, 16)).ToArray();

    /// <summary>The number of representable float64 values between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static long Distance(double a, double b)
    {
        long x = Ordered(a), y = Ordered(b);
        return x > y ? x - y : y - x;
    }

    /// <summary>Asserts every float64 element is within <paramref name="maxUlps"/> of the expected bits; returns the largest distance.</summary>
    public static long AssertWithin(ulong[] expectedBits, double[] actual, long maxUlps, string what)
    {
        Assert.HasCount(expectedBits.Length, actual);
        long worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double expected = BitConverter.UInt64BitsToDouble(expectedBits[i]);
            long d = Distance(expected, actual[i]);
            Assert.IsLessThanOrEqualTo(maxUlps, d, $"{what}, element {i}: expected {expected:R} (0x{expectedBits[i]:X16}), got {actual[i]:R} (0x{BitConverter.DoubleToUInt64Bits(actual[i]):X16})");
            worst = Math.Max(worst, d);
        }
        return worst;
    }

    /// <summary>The float64 bits given as hexadecimal words.</summary>
    public static ulong[] Hex64(IEnumerable<string> words) => words.Select(s => Convert.ToUInt64(s, 16)).ToArray();

    private static long Ordered(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        return bits < 0 ? -(bits & long.MaxValue) : bits;
    }

    private static long Ordered(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        return bits < 0 ? -(long)(bits & int.MaxValue) : bits;
    }
}
