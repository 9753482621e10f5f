namespace Flax;

/// <summary>JAX's <c>_compute_fans</c>: the fan-in and fan-out of a weights tensor, in Python floats (double).</summary>
internal static class Fans
{
    /// <summary>
    /// <c>in_size = prod(shape[in_axis])</c>, <c>out_size = prod(shape[out_axis])</c>, <c>batch = prod(shape[batch_axis])</c>,
    /// <c>receptive = prod(shape) / in_size / out_size / batch</c>; returns <c>(in_size · receptive, out_size · receptive)</c>.
    /// A Dense kernel (in, out) gives (in, out); a conv kernel (kh, kw, in, out) gives (in·kh·kw, out·kh·kw).
    /// </summary>
    /// <exception cref="ArgumentException">The shape has rank below 2 with the default <c>in_axis</c>, an axis is out of range,
    /// or an axis size is zero.</exception>
    public static (double FanIn, double FanOut) Compute(int[] shape, FanAxes inAxis, FanAxes outAxis, FanAxes batchAxis)
    {
        if (inAxis.IsSingle(-2) && shape.Length <= 1)
            throw new ArgumentException($"Can't compute input and output sizes of a {shape.Length}-dimensional weights tensor with default in_axis. Must be at least 2D or specify in_axis explicitly.");
        long inSize = inAxis.Size(shape), outSize = outAxis.Size(shape), batchSize = batchAxis.Size(shape);
        if (inSize == 0 || outSize == 0 || batchSize == 0)
            throw new ArgumentException($"division by zero: the weights tensor of shape {Shapes.Format(shape)} has an empty in, out or batch axis");
        double receptive = (double)NDArray.CheckedSize(shape) / inSize / outSize / batchSize;
        return (inSize * receptive, outSize * receptive);
    }
}
