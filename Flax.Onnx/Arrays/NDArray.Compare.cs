namespace Flax;

public sealed partial class NDArray
{
    /// <summary>
    /// Whether both arrays have the same shape, the same dtype and equal elements (<c>np.array_equal</c> plus a dtype
    /// check). Floats compare by value, so <c>0.0</c> equals <c>-0.0</c>; NaN equals NaN only when
    /// <paramref name="equalNan"/> is true.
    /// </summary>
    /// <param name="other">The array to compare with.</param>
    /// <param name="equalNan">Treat NaNs in the same position as equal (numpy's <c>equal_nan</c>).</param>
    /// <returns>True when equal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public bool ArrayEquals(NDArray other, bool equalNan = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.DType != DType || !ShapeSpan.SequenceEqual(other.ShapeSpan)) return false;
        if (!DType.IsFloat()) return Bytes.SequenceEqual(other.Bytes);
        for (long i = 0; i < Size; i++)
        {
            double a = GetDouble(i), b = other.GetDouble(i);
            if (a != b && !(equalNan && double.IsNaN(a) && double.IsNaN(b))) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether both arrays have the same shape and every pair of elements satisfies
    /// <c>|a - b| &lt;= atol + rtol * |b|</c> (<c>np.allclose(self, other, rtol, atol, equal_nan)</c>, where
    /// <paramref name="other"/> is the reference). The dtypes may differ: elements compare as doubles. Infinities are close
    /// only to the same infinity.
    /// </summary>
    /// <param name="other">The reference array.</param>
    /// <param name="rtol">The relative tolerance.</param>
    /// <param name="atol">The absolute tolerance.</param>
    /// <param name="equalNan">Treat NaNs in the same position as equal.</param>
    /// <returns>True when all elements are close.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative or NaN.</exception>
    public bool AllClose(NDArray other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!(rtol >= 0)) throw new ArgumentOutOfRangeException(nameof(rtol), rtol, "The tolerance must be non-negative.");
        if (!(atol >= 0)) throw new ArgumentOutOfRangeException(nameof(atol), atol, "The tolerance must be non-negative.");
        if (!ShapeSpan.SequenceEqual(other.ShapeSpan)) return false;
        for (long i = 0; i < Size; i++)
        {
            double a = GetDouble(i), b = other.GetDouble(i);
            bool close = double.IsNaN(a) || double.IsNaN(b)
                ? equalNan && double.IsNaN(a) && double.IsNaN(b)
                : a == b || (double.IsFinite(a) && double.IsFinite(b) && Math.Abs(a - b) <= atol + rtol * Math.Abs(b));
            if (!close) return false;
        }
        return true;
    }
}
