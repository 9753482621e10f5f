namespace Flax;

public static partial class Nn
{
    /// <summary>
    /// Dropout (<c>flax.core.nn.dropout</c>): zeroes each element with probability <paramref name="rate"/> and scales
    /// the others by <c>1 / (1 - rate)</c>. The mask is <c>jax.random.bernoulli(key, 1 - rate, shape)</c> bit for bit,
    /// drawn from <paramref name="rng"/> or else <c>scope.MakeRng("dropout")</c>, which falls back to the
    /// <c>params</c> sequence when there is no <c>dropout</c> one. A zero rate or <paramref name="deterministic"/>
    /// returns the input unchanged and draws no key.
    /// </summary>
    /// <param name="scope">The scope that supplies the key.</param>
    /// <param name="inputs">The input; its shape must be static (the mask is drawn on the host while tracing).</param>
    /// <param name="rate">The probability of dropping an element.</param>
    /// <param name="deterministic">Return the input unchanged.</param>
    /// <param name="rng">The key to draw the mask from, instead of the scope's.</param>
    /// <returns>The masked, rescaled input.</returns>
    /// <exception cref="ArgumentException">The input has the dynamic batch size.</exception>
    /// <exception cref="InvalidRngException">Neither a <c>dropout</c> nor a <c>params</c> sequence is available.</exception>
    public static Tensor Dropout(Scope scope, Tensor inputs, double rate, bool deterministic = false, PrngKey? rng = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        ArgumentNullException.ThrowIfNull(inputs);
        if (rate == 0.0 || deterministic) return inputs;
        double keep = 1.0 - rate;
        var mask = KeepMask(rng ?? scope.MakeRng("dropout"), keep, inputs.Shape, nameof(Dropout));
        return Tensor.Where(mask, inputs / keep, 0.0);
    }

    /// <summary><c>jax.random.bernoulli(key, keep, shape)</c> as a constant of the current trace.</summary>
    /// <exception cref="ArgumentException"><paramref name="shape"/> has the dynamic batch size.</exception>
    private static Tensor KeepMask(PrngKey key, double keep, int[] shape, string layer)
    {
        if (shape.Contains(-1))
            throw new ArgumentException($"{layer} draws its mask on the host and needs a static shape, got {Shapes.Format(shape)}; pass rngs to Apply so that the call is traced at its exact batch size.");
        return Prng.Bernoulli(key, keep, shape);
    }
}
