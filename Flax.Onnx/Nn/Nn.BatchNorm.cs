namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Batch normalisation (<c>flax.core.nn.batch_norm</c>): normalises over every axis except <paramref name="axis"/>
    /// with the batch statistics (or, with <paramref name="useRunningAverage"/>, the running ones), in float32. Creates,
    /// in this order, the variables <c>mean</c> (zeros) and <c>var</c> (ones) in collection <paramref name="kind"/>,
    /// then the params <c>scale</c> and <c>bias</c>, all of the squeezed statistics shape (<c>()</c> for one feature).
    /// Outside initialisation and without <paramref name="useRunningAverage"/> it updates the running statistics
    /// (<c>ra += (1 - momentum) * (batch - ra)</c>), so <paramref name="kind"/> must then be mutable; during
    /// initialisation they keep their initial values.
    /// </summary>
    /// <param name="scope">The scope that holds the statistics and parameters.</param>
    /// <param name="x">The input.</param>
    /// <param name="useRunningAverage">Normalise with the running statistics instead of the batch's.</param>
    /// <param name="axis">The feature axes, which keep their own statistics (default <c>(-1,)</c>).</param>
    /// <param name="momentum">The decay of the running statistics.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="dtype">The dtype of the result.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="scale">Whether to multiply by a learned scale.</param>
    /// <param name="biasInit">The bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <param name="scaleInit">The scale initializer (default <see cref="Initializers.Ones"/>).</param>
    /// <param name="kind">The collection of the running statistics.</param>
    /// <returns>The normalised input.</returns>
    /// <exception cref="ArgumentException">An axis is out of range for <paramref name="x"/>.</exception>
    /// <exception cref="ModifyScopeVariableException">The statistics need an update but <paramref name="kind"/> is not
    /// mutable.</exception>
    /// <exception cref="FlaxException">What <see cref="Scope.Variable{T}"/> and
    /// <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throw.</exception>
    public static Tensor BatchNorm(Scope scope, Tensor x, bool useRunningAverage = false, int[]? axis = null,
        double momentum = 0.99, double epsilon = 1e-5, DType dtype = DType.Float32, bool bias = true, bool scale = true,
        Initializer? biasInit = null, Initializer? scaleInit = null, string kind = "batch_stats")
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        ArgumentNullException.ThrowIfNull(x);
        x = x.Cast(DType.Float32);
        foreach (int a in axis ?? [])
            if (a < -x.Rank || a >= x.Rank)
                throw new ArgumentException($"BatchNorm axis {a} is out of range for inputs of shape {Shapes.Format(x.Shape)}.", nameof(axis));
        var features = Normalize(axis ?? [-1], x.Rank);
        int[] redux = [.. Enumerable.Range(0, x.Rank).Where(a => !features.Contains(a))];
        var mean = x.Mean(redux, keepDims: true);
        var variance = (x * x).Mean(redux, keepDims: true) - mean * mean;
        int[] squeezed = [.. mean.Shape.Where(d => d != 1)];

        bool isInit = !scope.HasVariable(kind, "mean");
        var raMean = scope.Variable<Tensor>(kind, "mean", () => NDArray.Zeros(DType.Float32, squeezed));
        var raVar = scope.Variable<Tensor>(kind, "var", () => NDArray.Ones(DType.Float32, squeezed));
        if (useRunningAverage)
        {
            mean = raMean.Value.Reshape(mean.Shape);
            variance = raVar.Value.Reshape(variance.Shape);
        }
        else if (!isInit)
        {
            double beta = 1.0 - momentum;
            raMean.Value = raMean.Value + beta * (mean.Squeeze() - raMean.Value);
            raVar.Value = raVar.Value + beta * (variance.Squeeze() - raVar.Value);
        }
        // Flax's (x - mean) * mul + bias as one affine map per feature, x * mul + (bias - mean * mul): two passes over
        // x instead of three, and a gradient with one full-size product fewer (the offset's cotangent is a sum over
        // the features only).
        var mul = (variance + epsilon).Rsqrt();
        if (scale) mul *= scope.Param<Tensor>("scale", scaleInit ?? Initializers.Ones, squeezed).Reshape(mean.Shape);
        var offset = -(mean * mul);
        if (bias) offset += scope.Param<Tensor>("bias", biasInit ?? Initializers.Zeros, squeezed).Reshape(mean.Shape);
        return (x * mul + offset).Cast(dtype);
    }
}
