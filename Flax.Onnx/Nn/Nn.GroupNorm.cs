namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Group normalisation (<c>flax.core.nn.group_norm</c>, arxiv.org/abs/1803.08494): splits the channels of an
    /// <c>(N, ..., C)</c> input into groups and normalises each group of each example over its channels and every
    /// middle axis, in float32. Give exactly one of <paramref name="numGroups"/> and <paramref name="groupSize"/>.
    /// Creates <c>scale</c> then <c>bias</c>, both of Flax core's shape <c>(1, ..., 1, C)</c> (Linen uses <c>(C,)</c>).
    /// </summary>
    /// <param name="scope">The scope that holds <c>scale</c> and <c>bias</c>.</param>
    /// <param name="x">The input, <c>(batch, ..., channels)</c>.</param>
    /// <param name="numGroups">The number of groups (default 32); pass null to use <paramref name="groupSize"/>.</param>
    /// <param name="groupSize">The number of channels per group.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="dtype">The dtype of the result.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="scale">Whether to multiply by a learned scale.</param>
    /// <param name="biasInit">The bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <param name="scaleInit">The scale initializer (default <see cref="Initializers.Ones"/>).</param>
    /// <returns>The normalised input.</returns>
    /// <exception cref="ArgumentException">Both or neither of <paramref name="numGroups"/> and <paramref name="groupSize"/>
    /// are given (<c>Either `num_groups` or `group_size` should be specified, but not both of them.</c>), the channels
    /// are not a multiple of <paramref name="groupSize"/> (<c>Number of channels (6) is not multiple of the group size
    /// (4).</c>) or not divisible into <paramref name="numGroups"/> groups.</exception>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    public static Tensor GroupNorm(Scope scope, Tensor x, int? numGroups = 32, int? groupSize = null, double epsilon = 1e-6,
        DType dtype = DType.Float32, bool bias = true, bool scale = true, Initializer? biasInit = null, Initializer? scaleInit = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        RequireRank(x, 2, nameof(GroupNorm));
        x = x.Cast(DType.Float32);
        if (numGroups.HasValue == groupSize.HasValue)
            throw new ArgumentException("Either `num_groups` or `group_size` should be specified, but not both of them.");
        int channels = x.Shape[^1];
        if (groupSize is int size)
        {
            if (size <= 0 || channels % size != 0)
                throw new ArgumentException($"Number of channels ({channels}) is not multiple of the group size ({size}).", nameof(groupSize));
            numGroups = channels / size;
        }
        int groups = numGroups!.Value;
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentException($"GroupNorm cannot split {channels} channels into {groups} groups.", nameof(numGroups));

        var inputShape = x.Shape;
        var grouped = x.Reshape([.. inputShape[..^1], groups, channels / groups]);
        int[] reduction = [.. Enumerable.Range(1, grouped.Rank - 3), grouped.Rank - 1];
        var mean = grouped.Mean(reduction, keepDims: true);
        var variance = (grouped * grouped).Mean(reduction, keepDims: true) - mean * mean;
        x = ((grouped - mean) * (variance + epsilon).Rsqrt()).Reshape(inputShape);

        int[] featureShape = [.. Enumerable.Repeat(1, inputShape.Length - 1), channels];
        if (scale) x *= scope.Param<Tensor>("scale", scaleInit ?? Initializers.Ones, featureShape);
        if (bias) x += scope.Param<Tensor>("bias", biasInit ?? Initializers.Zeros, featureShape);
        return x.Cast(dtype);
    }
}
