namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// A linear transformation of the last axis (<c>flax.core.nn.dense</c>): <c>inputs @ kernel + bias</c>. Creates
    /// <c>kernel</c> of shape <c>(inputs.shape[-1], features)</c>, then (with <paramref name="bias"/>) <c>bias</c> of
    /// shape <c>(features,)</c>, both float32 in <c>params</c>; the inputs and parameters are cast to
    /// <paramref name="dtype"/> for the computation.
    /// </summary>
    /// <param name="scope">The scope that holds <c>kernel</c> and <c>bias</c>.</param>
    /// <param name="inputs">The input, <c>(..., in)</c>.</param>
    /// <param name="features">The number of output features.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The dtype of the computation.</param>
    /// <param name="kernelInit">The kernel initializer (default <see cref="DefaultKernelInit"/>, LeCun normal).</param>
    /// <param name="biasInit">The bias initializer (default <see cref="Initializers.Zeros"/>).</param>
    /// <returns>The output, <c>(..., features)</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is a scalar.</exception>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws, e.g.
    /// <see cref="ScopeParamShapeException"/> for a kernel of another shape.</exception>
    public static Tensor Dense(Scope scope, Tensor inputs, int features, bool bias = true, DType dtype = DType.Float32,
        Initializer? kernelInit = null, Initializer? biasInit = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        RequireRank(inputs, 1, nameof(Dense));
        inputs = inputs.Cast(dtype);
        var kernel = InputKernel(scope, inputs, kernelInit ?? DefaultKernelInit, [inputs.Shape[^1], features], 0).Cast(dtype);
        var y = Tensor.DotGeneral(inputs, kernel, ([inputs.Rank - 1], [0]));
        if (bias) y += scope.Param<Tensor>("bias", biasInit ?? Initializers.Zeros, [features]).Cast(dtype);
        return y;
    }
}
