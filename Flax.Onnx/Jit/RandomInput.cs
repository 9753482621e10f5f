using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// A program input whose value is drawn on the host for every run from a <c>make_rng</c> key (a dropout mask): the
/// key is the run's base key of <paramref name="Sequence"/> folded with <paramref name="Suffix"/> (the scope path and
/// the counter, as Flax derives it), so a program traced once serves every PRNG key and, through a dynamic batch axis,
/// every batch size. Values that depend only on the flat element index (JAX's partitionable bits) are the same as if
/// they had been drawn while tracing at the concrete shape.
/// </summary>
/// <param name="Name">The graph input's name, <c>rng:{sequence}/{scope path}/{counter}</c>.</param>
/// <param name="Sequence">The PRNG sequence whose base key the run supplies.</param>
/// <param name="Suffix">The static parts folded into the base key (<see cref="LazyRng.Suffix"/>).</param>
/// <param name="Separator">Flax's <c>flax_fix_rng_separator</c> for the fold.</param>
/// <param name="Spec">The value's dtype and shape (-1 = the batch size).</param>
/// <param name="Draw">Draws the value from a key for a concrete shape.</param>
internal sealed record RandomInput(string Name, string Sequence, ImmutableArray<object> Suffix, bool Separator, TensorSpec Spec,
    Func<PrngKey, int[], NDArray> Draw)
{
    /// <summary>The key of a run whose base keys are <paramref name="rngs"/> (which have the traced sequences).</summary>
    internal PrngKey Key(Rngs rngs) => new LazyRng(rngs[Sequence], Suffix, Separator).AsKey();

    /// <summary>The value for a run with base keys <paramref name="rngs"/> and batch size <paramref name="batch"/>.</summary>
    internal NDArray Value(Rngs rngs, int batch) =>
        Draw(Key(rngs), [.. Spec.Shape.Select(d => d < 0 ? batch : d)]);
}
