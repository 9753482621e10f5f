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
    /// <param name="inputs">The input. The mask is drawn on the host: in a traced <c>Apply</c> or training step from
    /// each run's key, at the run's batch size; with a given <paramref name="rng"/> (or outside them) while tracing, which
    /// needs a static shape.</param>
    /// <param name="rate">The probability of dropping an element.</param>
    /// <param name="deterministic">Return the input unchanged.</param>
    /// <param name="rng">The key to draw the mask from, instead of the scope's.</param>
    /// <returns>The masked, rescaled input.</returns>
    /// <exception cref="ArgumentException">The mask is drawn while tracing and the input has the dynamic batch size.</exception>
    /// <exception cref="InvalidRngException">Neither a <c>dropout</c> nor a <c>params</c> sequence is available.</exception>
    public static Tensor Dropout(Scope scope, Tensor inputs, double rate, bool deterministic = false, PrngKey? rng = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var named = Named(scope);
        ArgumentNullException.ThrowIfNull(inputs);
        if (rate == 0.0 || deterministic) return inputs;
        double keep = 1.0 - rate;
        var mask = KeepMask(scope, rng, keep, inputs.Shape, nameof(Dropout));
        return Tensor.Where(mask, inputs / keep, 0.0);
    }

    /// <summary>
    /// <c>jax.random.bernoulli(key, keep, shape)</c>: from the given key, a constant of the current trace; from
    /// <c>scope.MakeRng("dropout")</c>, a value drawn for every run from that run's key where the trace allows it
    /// (<see cref="Scope.MakeRandom"/>), so one traced program serves every key and batch size; from a sequence a
    /// <c>while_loop</c> splits, in the graph from the iteration's key (<see cref="Tensor.Bernoulli"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The mask is a constant and <paramref name="shape"/> has the dynamic batch size.</exception>
    private static Tensor KeepMask(Scope scope, PrngKey? rng, double keep, int[] shape, string layer) =>
        scope.MakeRandom("dropout", rng, new TensorSpec(DType.Bool, shape), (key, concrete) => Prng.Bernoulli(key, keep, concrete), layer,
            (key, concrete) => key.Bernoulli(keep, concrete));
}
