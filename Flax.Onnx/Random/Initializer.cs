namespace Flax;

/// <summary>
/// An initializer, like <c>jax.nn.initializers.*</c>: given a key, a shape and a dtype it returns a new array of that
/// shape and dtype. The output shape is always <paramref name="shape"/>, so a caller can know it without running the
/// initializer (Flax's <c>jax.eval_shape</c> check in <c>Scope.param</c>).
/// </summary>
/// <param name="key">The PRNG key to draw from (ignored by constant initializers).</param>
/// <param name="shape">The output shape.</param>
/// <param name="dtype">The output dtype.</param>
/// <returns>A new array of shape <paramref name="shape"/> and dtype <paramref name="dtype"/>.</returns>
public delegate NDArray Initializer(PrngKey key, int[] shape, DType dtype);
