namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Layer normalisation over the last axis (<c>flax.core.nn.layer_norm</c>):
    /// <c>(x - mean) * rsqrt(var + epsilon) * scale + bias</c> with <c>var = E[x²] - E[x]²</c>, computed in the input's
    /// dtype. Creates <c>scale</c> then <c>bias</c>, both of shape <c>(features,)</c>.
    /// </summary>
    /// <param name="scope">The scope that holds <c>scale</c> and <c>bias</c>.</param>
    /// <param name="x">The input, <c>(..., features)</c>.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="dtype">The dtype the parameters are cast to.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="scale">Whether to multiply by a learned scale.</param>
    /// <param name="biasInit">The bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <param name="scaleInit">The scale initializer (default <see cref="Initializers.Ones"/>).</param>
    /// <returns>The normalised input.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar.</exception>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    public static Tensor LayerNorm(Scope scope, Tensor x, double epsilon = 1e-6, DType dtype = DType.Float32,
        bool bias = true, bool scale = true, Initializer? biasInit = null, Initializer? scaleInit = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        RequireRank(x, 1, nameof(LayerNorm));
        int features = x.Shape[^1];
        var mean = x.Mean(-1, keepDims: true);
        var variance = (x * x).Mean(-1, keepDims: true) - mean * mean;
        var mul = (variance + epsilon).Rsqrt();
        if (scale) mul *= scope.Param<Tensor>("scale", scaleInit ?? Initializers.Ones, [features]).Cast(dtype);
        var y = (x - mean) * mul;
        if (bias) y += scope.Param<Tensor>("bias", biasInit ?? Initializers.Zeros, [features]).Cast(dtype);
        return y;
    }
}
