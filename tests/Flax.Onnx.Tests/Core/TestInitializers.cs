namespace Flax.Tests.Scopes;

/// <summary>Minimal initializers and a dense layer for the scope tests, standing in for jax.nn.initializers and flax.core.nn.</summary>
internal static class TestInitializers
{
    public static NDArray Ones(PrngKey key, int[] shape, DType dtype) => NDArray.Ones(dtype, shape);

    public static NDArray Zeros(PrngKey key, int[] shape, DType dtype) => NDArray.Zeros(dtype, shape);

    /// <summary><c>flax.core.nn.dense</c> with ones for the kernel and zeros for the bias (values do not matter here).</summary>
    public static NDArray Dense(Scope scope, NDArray x, int features)
    {
        scope.Param<NDArray>("kernel", Ones, [x.Shape[^1], features]);
        scope.Param<NDArray>("bias", Zeros, [features]);
        return NDArray.Zeros(DType.Float32, x.Shape[0], features);
    }
}
