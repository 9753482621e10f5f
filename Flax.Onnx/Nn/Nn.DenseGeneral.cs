namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// A linear transformation over several axes, with optional leading batch axes (<c>flax.core.nn.dense_general</c>).
    /// Creates <c>kernel</c> of shape <c>batch_shape + inputs.shape[axis] + features</c> and (with
    /// <paramref name="bias"/>) <c>bias</c> of shape <c>batch_shape + features</c>. As in Flax, the initializers see
    /// the flattened 2-D kernel shape <c>(prod(contracted), prod(features))</c> and the 1-D bias shape
    /// <c>(prod(features),)</c>, and every batch slice is initialised with the same key, so all slices start equal.
    /// </summary>
    /// <param name="scope">The scope that holds <c>kernel</c> and <c>bias</c>.</param>
    /// <param name="inputs">The input.</param>
    /// <param name="features">The output feature sizes.</param>
    /// <param name="axis">The contracted input axes (default <c>(-1,)</c>).</param>
    /// <param name="batchDims">Batch axes, which must be <c>0 .. k-1</c> (default none).</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The dtype of the computation.</param>
    /// <param name="kernelInit">The kernel initializer (default <see cref="DefaultKernelInit"/>).</param>
    /// <param name="biasInit">The bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <returns>The output: batch axes, the remaining input axes, then <paramref name="features"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="batchDims"/> are not consecutive leading axes
    /// (<c>batch_dims (1,) must be consecutive leading dimensions starting from 0.</c>), or an axis is out of range.</exception>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    public static Tensor DenseGeneral(Scope scope, Tensor inputs, int[] features, int[]? axis = null, int[]? batchDims = null,
        bool bias = true, DType dtype = DType.Float32, Initializer? kernelInit = null, Initializer? biasInit = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(features);
        axis ??= [-1];
        batchDims ??= [];
        if (batchDims.Length > 0 && !batchDims.ToHashSet().SetEquals(Enumerable.Range(0, batchDims.Max() + 1)))
            throw new ArgumentException($"batch_dims {Shapes.Format(batchDims)} must be consecutive leading dimensions starting from 0.", nameof(batchDims));
        inputs = inputs.Cast(dtype);
        int ndim = inputs.Rank, nBatch = batchDims.Length, nAxis = axis.Length;
        axis = Normalize(axis, ndim);
        batchDims = Normalize(batchDims, ndim);
        foreach (var a in axis.Concat(batchDims))
            if (a < 0 || a >= ndim)
                throw new ArgumentException($"DenseGeneral axis {a} is out of range for inputs of shape {Shapes.Format(inputs.Shape)}.", nameof(axis));

        int[] batchShape = [.. batchDims.Select(a => inputs.Shape[a])];
        var kernelShape = (int[])[.. batchShape, .. axis.Select(a => inputs.Shape[a]), .. features];
        var kernelPerSlice = SameForEverySlice(kernelInit ?? DefaultKernelInit, nBatch, features.Length, nAxis);
        var kernel = scope.Param<Tensor>("kernel", kernelPerSlice, kernelShape).Cast(dtype);
        int[] batchAxes = [.. Enumerable.Range(0, nBatch)], contractAxes = [.. Enumerable.Range(nBatch, nAxis)];
        var y = Tensor.DotGeneral(inputs, kernel, (axis, contractAxes), (batchDims, batchAxes));
        if (!bias) return y;

        var biasPerSlice = SameForEverySlice(biasInit ?? Initializers.Zeros, nBatch, features.Length, contracted: null);
        var b = scope.Param<Tensor>("bias", biasPerSlice, [.. batchShape, .. features]);
        foreach (var a in Enumerable.Range(0, ndim).Except(axis).Except(batchDims).Order())
            b = b.ExpandDims(a);
        return y + b.Cast(dtype);
    }

    /// <summary>
    /// Flax's <c>kernel_init_wrap</c>/<c>bias_init_wrap</c>: calls <paramref name="init"/> once on the flattened
    /// per-slice shape (<c>(prod(contracted), prod(features))</c>, or <c>(prod(features),)</c> for a bias) and repeats
    /// the result for each of the <c>prod(shape[:batchDims])</c> batch slices.
    /// </summary>
    private static Initializer SameForEverySlice(Initializer init, int batchDims, int featureDims, int? contracted) =>
        (key, shape, dtype) =>
        {
            int slices = Product(shape[..batchDims]);
            int[] flat = contracted is int n
                ? [Product(shape[batchDims..(batchDims + n)]), Product(shape[^featureDims..])]
                : [Product(shape[^featureDims..])];
            var slice = init(key, flat, dtype);
            var bytes = new byte[slice.Bytes.Length * slices];
            for (int i = 0; i < slices; i++) slice.Bytes.CopyTo(bytes.AsSpan(i * slice.Bytes.Length));
            return NDArray.FromBytes(slice.DType, shape, bytes);
        };
}
