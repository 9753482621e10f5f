namespace Flax.Examples.Design;

/// <summary>
/// Flax's <c>tests/core/design/core_tied_autoencoder_test.py</c>: the decoder reuses the encoder's kernel transposed,
/// through <see cref="Lift.MapVariables{T1, TOut}"/> on the same scope.
/// </summary>
public sealed record TiedAutoEncoder(int Latents, int Features)
{
    /// <summary>Encodes then decodes with the shared kernel.</summary>
    public Tensor Call(Scope scope, Tensor x) => Decode(scope, Encode(scope, x));

    /// <summary>A bias-free dense layer creating <c>kernel</c> <c>(features, latents)</c> in the scope.</summary>
    public Tensor Encode(Scope scope, Tensor x) => Nn.Dense(scope, x, Latents, bias: false);

    /// <summary>The same layer seen through a transpose: <c>z @ kernel.T</c>.</summary>
    public Tensor Decode(Scope scope, Tensor z) => Transpose((s, h) => Nn.Dense(s, h, Features, bias: false))(scope, z);

    /// <summary>Flax's <c>transpose(fn)</c>: <c>map_variables</c> transposing every param on the way in and out.</summary>
    private static Func<Scope, Tensor, Tensor> Transpose(Func<Scope, Tensor, Tensor> fn)
    {
        static VariableDict Trans(VariableDict variables) => variables.Map(leaf => ((Tensor)leaf).Transpose());
        return Lift.MapVariables(fn, "params", Trans, Trans, mutable: true);
    }
}
