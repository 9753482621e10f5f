using static Flax.UpdateTrees;

namespace Flax;

public static partial class Optimizers
{
    /// <summary>optax's <c>chain</c>: applies <paramref name="parts"/> in order; the state holds part <c>i</c>'s under
    /// key <c>"i"</c>.</summary>
    /// <param name="parts">The transformations.</param>
    public static Optimizer Chain(params Optimizer[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new(
            parameters => new VariableDict(parts.Select((p, i) => KeyValuePair.Create(Key(i), (object)p.Init(parameters)))),
            (updates, state, parameters) =>
            {
                var states = new List<KeyValuePair<string, object>>();
                for (int i = 0; i < parts.Length; i++)
                {
                    (updates, var s) = parts[i].Update(updates, Sub(state, Key(i)), parameters);
                    states.Add(KeyValuePair.Create(Key(i), (object)s));
                }
                return (updates, new VariableDict(states));
            });
    }

    /// <summary>optax's <c>identity</c>: leaves the updates unchanged; empty state.</summary>
    public static Optimizer Identity() => Stateless((updates, _) => updates);

    /// <summary>optax's <c>scale</c>: multiplies the updates by <paramref name="stepSize"/>; empty state.</summary>
    /// <param name="stepSize">The factor.</param>
    public static Optimizer Scale(double stepSize) => Stateless((updates, _) => Map(updates, g => g * stepSize));

    /// <summary>optax's <c>scale_by_schedule</c>: multiplies the updates by <paramref name="stepSizeFn"/>(count), then
    /// increments the int32 <c>count</c> it keeps.</summary>
    /// <param name="stepSizeFn">The step size by update count.</param>
    public static Optimizer ScaleBySchedule(Schedule stepSizeFn)
    {
        ArgumentNullException.ThrowIfNull(stepSizeFn);
        return new(_ => new VariableDict(("count", NDArray.Scalar(0))), (updates, state, _) =>
        {
            var count = Leaf(state, "count");
            var stepSizes = new Dictionary<DType, Tensor>();
            var scaled = Map(updates, g => (stepSizes.TryGetValue(g.DType, out var size) ? size : stepSizes[g.DType] = stepSizeFn.At(count, g.DType)) * g);
            return (scaled, new VariableDict(("count", Increment(count))));
        });
    }

    /// <summary>optax's <c>scale_by_learning_rate</c>: multiplies by <c>-learningRate</c>, a <see cref="Scale"/> for a
    /// scalar and a <see cref="ScaleBySchedule"/> for a schedule.</summary>
    /// <param name="learningRate">The learning rate or its schedule.</param>
    public static Optimizer ScaleByLearningRate(Schedule learningRate)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        return learningRate.IsScalar ? Scale(-learningRate.At(0))
            : ScaleBySchedule(Schedule.Of(count => -learningRate.At(count), learningRate.Horizon));
    }

    /// <summary>optax's <c>trace</c> (momentum): <c>trace = g + decay * trace</c>; the updates are the new trace, or
    /// <c>g + decay * trace</c> with Nesterov momentum. State: <c>{"trace": ...}</c>.</summary>
    /// <param name="decay">The momentum.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public static Optimizer Trace(double decay, bool nesterov = false) => new(
        parameters => new VariableDict(("trace", Full(parameters, 0))),
        (updates, state, _) =>
        {
            var trace = Map(updates, Sub(state, "trace"), "optimizer state's trace", (g, t) => g + decay * t);
            var result = nesterov ? Map(updates, trace, "new trace", (g, t) => g + decay * t) : trace;
            return (result, new VariableDict(("trace", trace)));
        });

    /// <summary>
    /// optax's <c>scale_by_adam</c>: <c>mu = b1 mu + (1 - b1) g</c>, <c>nu = b2 nu + (1 - b2) g^2</c>, <c>count += 1</c>,
    /// and the update <c>mu_hat / (sqrt(nu_hat + epsRoot) + eps)</c> with the bias corrections
    /// <c>mu_hat = mu / (1 - b1^count)</c>, <c>nu_hat = nu / (1 - b2^count)</c> (Nesterov: <c>mu_hat = b1 mu / (1 -
    /// b1^(count+1)) + (1 - b1) g / (1 - b1^count)</c>). State: <c>{"count", "mu", "nu"}</c>.
    /// </summary>
    /// <param name="b1">The first moment's decay.</param>
    /// <param name="b2">The second moment's decay.</param>
    /// <param name="eps">Added to the denominator outside the square root.</param>
    /// <param name="epsRoot">Added inside the square root.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (NAdam).</param>
    public static Optimizer ScaleByAdam(double b1 = 0.9, double b2 = 0.999, double eps = 1e-8, double epsRoot = 0, bool nesterov = false) => new(
        parameters => new VariableDict(("count", NDArray.Scalar(0)), ("mu", Full(parameters, 0)), ("nu", Full(parameters, 0))),
        (updates, state, _) =>
        {
            var mu = Map(updates, Sub(state, "mu"), "optimizer state's mu", (g, m) => (1 - b1) * g + b1 * m);
            var nu = Map(updates, Sub(state, "nu"), "optimizer state's nu", (g, v) => (1 - b2) * (g * g) + b2 * v);
            var count = Increment(Leaf(state, "count"));
            Tensor Corrected(Tensor moment, double decay, Tensor steps) =>
                moment / (1 - Tensor.Pow(NDArray.Full(moment.DType, decay), steps.Cast(moment.DType)));
            var muHat = nesterov
                ? Map(mu, updates, "gradients", (m, g) => b1 * Corrected(m, b1, Increment(count)) + (1 - b1) * Corrected(g, b1, count))
                : Map(mu, m => Corrected(m, b1, count));
            var result = Map(muHat, nu, "second moments", (m, v) => m / ((Corrected(v, b2, count) + epsRoot).Sqrt() + eps));
            return (result, new VariableDict(("count", count), ("mu", mu), ("nu", nu)));
        });

    /// <summary>optax's <c>scale_by_rms</c>: <c>nu = decay nu + (1 - decay) g^2</c> and the update
    /// <c>g / sqrt(nu + eps)</c>. State: <c>{"nu": ...}</c>, starting at <paramref name="initialScale"/>.</summary>
    /// <param name="decay">The second moment's decay.</param>
    /// <param name="eps">Added inside the square root.</param>
    /// <param name="initialScale">The second moment's initial value.</param>
    public static Optimizer ScaleByRms(double decay = 0.9, double eps = 1e-8, double initialScale = 0) => new(
        parameters => new VariableDict(("nu", Full(parameters, initialScale))),
        (updates, state, _) =>
        {
            var nu = Map(updates, Sub(state, "nu"), "optimizer state's nu", (g, v) => (1 - decay) * (g * g) + decay * v);
            var result = Map(updates, nu, "second moments", (g, v) => (v + eps).Rsqrt() * g);
            return (result, new VariableDict(("nu", nu)));
        });

    /// <summary>optax's <c>add_decayed_weights</c>: adds <c>weightDecay * param</c> to the updates of the parameters
    /// <paramref name="mask"/> accepts (by flattened path, e.g. <c>Dense_0/kernel</c>; default all). Empty state; with a
    /// mask, optax wraps it in <c>masked</c>, whose state is <c>{"inner_state": {}}</c>, and so does this.</summary>
    /// <param name="weightDecay">The decay rate.</param>
    /// <param name="mask">Which parameters decay; null for all.</param>
    public static Optimizer AddDecayedWeights(double weightDecay = 0, Func<string, bool>? mask = null)
    {
        var decay = Stateless((updates, parameters) =>
        {
            var flat = (parameters ?? throw new ArgumentException("add_decayed_weights needs the parameters: pass them to Update.", nameof(parameters))).Flatten();
            return Map(updates, (path, g) => mask is not null && !mask(path) ? g
                : AsTensor(g) + weightDecay * AsTensor(flat.TryGetValue(path, out var p) ? p
                    : throw new ArgumentException($"The parameters have no entry '{path}' for the gradient of that path.")));
        });
        if (mask is null) return decay;
        var masked = new VariableDict(("inner_state", VariableDict.Empty));
        return new(_ => masked, (updates, _, parameters) => (decay.Update(updates, VariableDict.Empty, parameters).Updates, masked));
    }

    /// <summary>
    /// optax's <c>clip_by_global_norm</c>: with <c>norm = sqrt(sum of g^2 over every leaf)</c>, leaves the updates
    /// unchanged when <c>norm &lt; maxNorm</c> and otherwise scales them by <c>maxNorm / norm</c>. Empty state.
    /// </summary>
    /// <param name="maxNorm">The largest global norm let through.</param>
    public static Optimizer ClipByGlobalNorm(double maxNorm) => Stateless((updates, _) =>
    {
        var leaves = updates.Flatten().Values.Select(AsTensor).ToList();
        if (leaves.Count == 0) return updates;
        var norm = leaves.Select(g => (g * g).Sum().Cast(leaves[0].DType)).Aggregate((a, b) => a + b).Sqrt();
        var trigger = norm < maxNorm;
        return Map(updates, g => Tensor.Where(trigger, g, g / norm.Cast(g.DType) * maxNorm));
    });

    private static Optimizer Stateless(Func<VariableDict, VariableDict?, VariableDict> update) =>
        new(_ => VariableDict.Empty, (updates, _, parameters) => (update(updates, parameters), VariableDict.Empty));

    private static string Key(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
