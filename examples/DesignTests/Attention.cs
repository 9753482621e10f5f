namespace Flax.Examples.Design;

/// <summary>
/// Self-attention with dropout on <c>(2, 7, 16)</c> inputs and two heads, as in Flax's <c>core_attention_test.py</c>,
/// but built from <see cref="Nn.MultiHeadDotProductAttention"/>: that test builds its heads with <c>lift.vmap</c>, which
/// is not ported, so its per-head parameter stacks <c>(2, 16, 8)</c> become <c>DenseGeneral</c> kernels
/// <c>(16, 2, 8)</c> here.
/// </summary>
public static class Attention
{
    /// <summary>Two-head self-attention with dropout 0.1 drawn from the <c>dropout</c> sequence.</summary>
    public static Tensor Model(Scope scope, Tensor x) =>
        Nn.MultiHeadDotProductAttention(scope, x, null, numHeads: 2, dropoutRate: 0.1, broadcastDropout: false);
}
