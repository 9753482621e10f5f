namespace Flax;

public static partial class Nn
{
    /// <summary>Flax's default embedding initializer (<c>flax.core.nn.linear.default_embed_init</c>):
    /// <c>variance_scaling(1.0, 'fan_in', 'normal', out_axis=0)</c>, a normal with standard deviation
    /// <c>1 / sqrt(features)</c>.</summary>
    public static Initializer DefaultEmbedInit { get; } =
        Initializers.VarianceScaling(1.0, FanMode.FanIn, VarianceDistribution.Normal, outAxis: 0);

    /// <summary>
    /// An embedding table (<c>flax.core.nn.embedding</c>): creates <c>table</c> of shape
    /// <c>(numEmbeddings, features)</c> and returns it wrapped for <see cref="Flax.Embedding.Lookup"/> and
    /// <see cref="Flax.Embedding.Attend"/>.
    /// </summary>
    /// <param name="scope">The scope that holds <c>table</c>.</param>
    /// <param name="numEmbeddings">The number of rows.</param>
    /// <param name="features">The size of each row.</param>
    /// <param name="initFn">The table initializer (default <see cref="DefaultEmbedInit"/>).</param>
    /// <returns>The embedding.</returns>
    /// <exception cref="FlaxException">What <see cref="Scope.Param{T}(string, Initializer, int[], DType)"/> throws.</exception>
    public static Embedding Embedding(Scope scope, int numEmbeddings, int features, Initializer? initFn = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new Embedding(scope.Param<Tensor>("table", initFn ?? DefaultEmbedInit, [numEmbeddings, features]));
    }
}
