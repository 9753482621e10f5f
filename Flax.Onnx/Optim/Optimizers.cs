namespace Flax;

/// <summary>
/// Optimizers with optax's update formulas (<c>optax.sgd</c>, <c>adam</c>, <c>adamw</c>, <c>rmsprop</c>, ...), built as
/// <see cref="Chain"/>s of the transformations of the same names, so their states have optax's layout. Learning rates
/// are numbers or <see cref="Schedules"/>.
/// </summary>
public static partial class Optimizers
{
    /// <summary>optax's <c>sgd</c>: <see cref="Trace"/> (when <paramref name="momentum"/> is given, else
    /// <see cref="Identity"/>), then <see cref="ScaleByLearningRate"/>.</summary>
    /// <param name="learningRate">The learning rate or its schedule.</param>
    /// <param name="momentum">The momentum decay, or null for none.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public static Optimizer Sgd(Schedule learningRate, double? momentum = null, bool nesterov = false) =>
        Chain(momentum is { } decay ? Trace(decay, nesterov) : Identity(), ScaleByLearningRate(learningRate));

    /// <summary>optax's <c>adam</c>: <see cref="ScaleByAdam"/>, then <see cref="ScaleByLearningRate"/>.</summary>
    /// <param name="learningRate">The learning rate or its schedule.</param>
    /// <param name="b1">The first moment's decay.</param>
    /// <param name="b2">The second moment's decay.</param>
    /// <param name="eps">Added to the denominator outside the square root.</param>
    /// <param name="epsRoot">Added inside the square root.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (NAdam).</param>
    public static Optimizer Adam(Schedule learningRate, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8, double epsRoot = 0, bool nesterov = false) =>
        Chain(ScaleByAdam(b1, b2, eps, epsRoot, nesterov), ScaleByLearningRate(learningRate));

    /// <summary>optax's <c>adamw</c>: <see cref="ScaleByAdam"/>, <see cref="AddDecayedWeights"/>, then
    /// <see cref="ScaleByLearningRate"/> (the decay is multiplied by the learning rate, as in PyTorch).</summary>
    /// <param name="learningRate">The learning rate or its schedule.</param>
    /// <param name="b1">The first moment's decay.</param>
    /// <param name="b2">The second moment's decay.</param>
    /// <param name="eps">Added to the denominator outside the square root.</param>
    /// <param name="epsRoot">Added inside the square root.</param>
    /// <param name="weightDecay">The weight decay rate.</param>
    /// <param name="mask">Which parameters decay, by flattened path; null for all.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (NAdamW).</param>
    public static Optimizer AdamW(Schedule learningRate, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8, double epsRoot = 0,
        double weightDecay = 1e-4, Func<string, bool>? mask = null, bool nesterov = false) =>
        Chain(ScaleByAdam(b1, b2, eps, epsRoot, nesterov), AddDecayedWeights(weightDecay, mask), ScaleByLearningRate(learningRate));

    /// <summary>optax's <c>rmsprop</c> (uncentered, <c>eps</c> inside the square root): <see cref="ScaleByRms"/>,
    /// <see cref="ScaleByLearningRate"/>, then <see cref="Trace"/> when <paramref name="momentum"/> is given.</summary>
    /// <param name="learningRate">The learning rate or its schedule.</param>
    /// <param name="decay">The second moment's decay.</param>
    /// <param name="eps">Added inside the square root.</param>
    /// <param name="initialScale">The second moment's initial value.</param>
    /// <param name="momentum">The momentum decay, or null for none.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public static Optimizer RmsProp(Schedule learningRate, double decay = 0.9, double eps = 1e-8, double initialScale = 0,
        double? momentum = null, bool nesterov = false) =>
        Chain(ScaleByRms(decay, eps, initialScale), ScaleByLearningRate(learningRate),
            momentum is { } m ? Trace(m, nesterov) : Identity());

    /// <summary>optax's <c>apply_updates</c>: <c>param + update</c> for every leaf, in the parameter's dtype.</summary>
    /// <param name="parameters">The parameters (tensors, or host arrays that become constants).</param>
    /// <param name="updates">The updates from <see cref="Optimizer.Update"/>.</param>
    /// <returns>The new parameters as tensors.</returns>
    /// <exception cref="ArgumentException">An update has no matching parameter.</exception>
    public static VariableDict ApplyUpdates(VariableDict parameters, VariableDict updates)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(updates);
        return UpdateTrees.Map(updates, parameters, "parameters", (u, p) => (p + u).Cast(p.DType));
    }
}
