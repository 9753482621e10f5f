namespace Flax;

/// <summary>
/// Observes the PRNG keys a scope hands out (the root scope may carry one; its children and lifted scopes share it).
/// Tracing uses it to tell a program whose values depend on one call's keys from one that takes its random values as
/// inputs drawn for every run (<see cref="RandomInput"/>).
/// </summary>
internal interface IRngHook
{
    /// <summary>A concrete key left the scope (<see cref="Scope.MakeRng"/>): what is traced may now depend on it.</summary>
    void OnKeyDrawn();

    /// <summary>
    /// A random value <paramref name="draw"/> computes on the host from the key <paramref name="rng"/> stands for.
    /// </summary>
    /// <param name="sequence">The PRNG sequence the key comes from.</param>
    /// <param name="rng">The key, as the sequence's base key and the parts still to fold in.</param>
    /// <param name="spec">The value's dtype and shape (-1 = the batch size).</param>
    /// <param name="draw">Draws the value from a key for a concrete shape.</param>
    /// <returns>The tensor standing for the value (a program input drawn per run), or null to draw it now.</returns>
    Tensor? OnRandom(string sequence, LazyRng rng, TensorSpec spec, Func<PrngKey, int[], NDArray> draw);
}
