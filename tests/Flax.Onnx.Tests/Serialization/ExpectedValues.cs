namespace Flax.Tests.Serialization;

/// <summary>
/// The value formulas of tests/fixtures/make_flax_checkpoints.py, recomputed here so that the tests compare what the
/// Python producer wrote with an independent computation (keep both in step).
/// </summary>
internal static class ExpectedValues
{
    internal static readonly DType[] AllDTypes = Enum.GetValues<DType>();

    /// <summary>The fixture array of this dtype and shape.</summary>
    internal static NDArray Of(DType dtype, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        double Float(int i) => (i - n / 2) * 0.25;
        return dtype switch
        {
            DType.Float32 => NDArray.From(Enumerable.Range(0, n).Select(i => (float)Float(i)).ToArray(), shape),
            DType.Float64 => NDArray.From(Enumerable.Range(0, n).Select(Float).ToArray(), shape),
            DType.Float16 => NDArray.From(Enumerable.Range(0, n).Select(i => (Half)Float(i)).ToArray(), shape),
            DType.BFloat16 => NDArray.From(Enumerable.Range(0, n).Select(i => (BFloat16)(float)Float(i)).ToArray(), shape),
            DType.Bool => NDArray.From(Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray(), shape),
            DType.Int8 => Signed(n, sbyte.MinValue, sbyte.MaxValue, v => (sbyte)v, shape),
            DType.Int16 => Signed(n, short.MinValue, short.MaxValue, v => (short)v, shape),
            DType.Int32 => Signed(n, int.MinValue, int.MaxValue, v => (int)v, shape),
            DType.Int64 => Signed(n, long.MinValue, long.MaxValue, v => (long)v, shape),
            DType.UInt8 => Unsigned(n, byte.MaxValue, v => (byte)v, shape),
            DType.UInt16 => Unsigned(n, ushort.MaxValue, v => (ushort)v, shape),
            DType.UInt32 => Unsigned(n, uint.MaxValue, v => (uint)v, shape),
            DType.UInt64 => Unsigned(n, ulong.MaxValue, v => (ulong)v, shape),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
    }

    // start + k * step with step = max // n | 1, computed exactly in Int128 like Python's integers.
    private static NDArray Signed<T>(int n, Int128 min, Int128 max, Func<Int128, T> cast, int[] shape) where T : unmanaged =>
        NDArray.From(Enumerable.Range(0, n).Select(k => cast(min + 1 + k * (max / Math.Max(n, 1) | 1))).ToArray(), shape);

    private static NDArray Unsigned<T>(int n, Int128 max, Func<Int128, T> cast, int[] shape) where T : unmanaged =>
        NDArray.From(Enumerable.Range(0, n).Select(k => cast(k * (max / Math.Max(n, 1) | 1))).ToArray(), shape);

    /// <summary>The bytes of a fixture file copied next to the test assembly.</summary>
    internal static byte[] Fixture(string name) => File.ReadAllBytes(FixturePath(name));

    /// <summary>The path of a fixture file copied next to the test assembly.</summary>
    internal static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    /// <summary>Asserts two arrays have the same dtype, shape and bytes.</summary>
    internal static void AssertSame(NDArray expected, object? actual, string what)
    {
        Assert.IsInstanceOfType<NDArray>(actual, what);
        var array = (NDArray)actual;
        Assert.AreEqual(expected.DType, array.DType, what);
        CollectionAssert.AreEqual(expected.Shape, array.Shape, what);
        CollectionAssert.AreEqual(expected.Bytes.ToArray(), array.Bytes.ToArray(), what);
    }
}
