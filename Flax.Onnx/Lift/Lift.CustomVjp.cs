namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.custom_vjp(fn, forward_fn, backward_fn, grad_vars, nondiff_argnums)</c>: <paramref name="fn"/>
    /// with a user-defined reverse-mode rule. Its output is <paramref name="fn"/>'s; when a gradient is taken through it
    /// (<see cref="Core.Vjp"/>, <see cref="Core.ValueAndGrad(Func{Scope, Tensor}, Scope, Filter?)"/>, the Trainer),
    /// the cotangents of its inputs and of its variables in <paramref name="gradVars"/> are what
    /// <paramref name="backwardFn"/> returns, not the derivative of <paramref name="fn"/>.
    /// </summary>
    /// <remarks>
    /// <paramref name="forwardFn"/> gets the same scope view and arguments as <paramref name="fn"/> and returns the
    /// output with residuals of any type (a vjp function from <see cref="Core.Vjp"/> is a good one).
    /// <paramref name="backwardFn"/> gets the non-differentiated arguments, the residuals and the output's cotangent,
    /// and returns the variable cotangents (nested as in <see cref="Scope.Variables"/>, e.g. <c>{"params": {...}}</c>)
    /// and one cotangent per differentiated argument (null for zero), as Flax's <c>(params_t, *input_t)</c>; it gets no
    /// scope. In a traced design both rules are traced when the function is called, with the PRNG counters rewound so
    /// <paramref name="forwardFn"/> draws the keys <paramref name="fn"/> drew: their errors show even when no gradient
    /// is taken. Their equations are closed into a backward program inside one <see cref="Primitive.CustomVjpCall"/>
    /// equation and dropped from the trace, so a graph without a gradient computes <paramref name="fn"/> alone, and one
    /// with a gradient replays the rule (its recomputed forward values merge with <paramref name="fn"/>'s). A tensor
    /// made by the rules must not be kept for use outside them. Variables <paramref name="fn"/> writes
    /// are published; <paramref name="forwardFn"/>'s writes are not.
    /// </remarks>
    /// <typeparam name="TResiduals">What the forward rule saves for the backward rule.</typeparam>
    /// <param name="fn">The function, run for the output.</param>
    /// <param name="forwardFn">Flax's <c>forward_fn(scope, *args)</c>: the output and the residuals.</param>
    /// <param name="backwardFn">Flax's <c>backward_fn(*nondiff_args, res, g)</c>: the variable cotangents and the input
    /// cotangents.</param>
    /// <param name="gradVars">The collections whose variables get cotangents; default <c>"params"</c>.</param>
    /// <param name="nondiffArgnums">Positions of arguments that are not differentiated, counting the scope as 0 as
    /// Flax does (<c>nondiff_argnums=(2,)</c> is the second tensor argument); they are passed to
    /// <paramref name="backwardFn"/> first and get no cotangent.</param>
    /// <returns>The scope function. Calling it throws <see cref="LiftException"/> with JAX's text when the forward
    /// rule's output differs in type from <paramref name="fn"/>'s, when the backward rule's cotangents do not have the
    /// structure of the variables and differentiated arguments, or a cotangent differs in type from its primal;
    /// <see cref="ArgumentException"/> when a <paramref name="nondiffArgnums"/> entry is out of range;
    /// <see cref="InvalidOperationException"/> outside a trace; and what the functions throw.</returns>
    public static Func<Scope, Tensor[], Tensor> CustomVjp<TResiduals>(Func<Scope, Tensor[], Tensor> fn,
        Func<Scope, Tensor[], (Tensor Output, TResiduals Residuals)> forwardFn,
        Func<Tensor[], TResiduals, Tensor, (VariableDict VariableCotangents, Tensor?[] InputCotangents)> backwardFn,
        Filter? gradVars = null, int[]? nondiffArgnums = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(forwardFn);
        ArgumentNullException.ThrowIfNull(backwardFn);
        Filter grad = gradVars ?? "params";
        var nondiff = (nondiffArgnums ?? []).ToHashSet();
        return (scope, args) =>
        {
            ArgumentNullException.ThrowIfNull(scope);
            ArgumentNullException.ThrowIfNull(args);
            var trace = TraceContext.Current is { IsActive: true } current ? current
                : throw new InvalidOperationException("Lift.CustomVjp traces its rules: call it inside a function given to Core.Init, Core.Apply or Core.Export.");
            foreach (var x in args) trace.Own(x ?? throw new ArgumentNullException(nameof(args)));
            foreach (var i in nondiff.Order())
                if (i < 1 || i > args.Length)
                    throw new ArgumentException($"nondiff_argnums entry {i} is out of range for a function of a scope and {args.Length} argument(s) (the scope is argument 0).", nameof(nondiffArgnums));
            return Pack(scope, [grad, Filter.All], [grad, Filter.All], [Filter.All], (scopeFn, repack, groups, rngGroups) =>
            {
                var snapshot = scope.Counters.Snapshot();
                var first = scopeFn(groups, rngGroups, Filter.All);
                var y = fn(first, args) ?? throw new UntracedOutputException();
                trace.Own(y);
                var outGroups = repack(first);
                VariableDict[] later = [.. groups.Select((group, g) => Merged(group, outGroups[g]))];
                scope.Counters.Restore(snapshot);
                var region = new CustomVjpRegion(trace, y, args, nondiff, later[0]);
                var second = scopeFn(later, rngGroups, Filter.All);
                var (y2, residuals) = forwardFn(second, args);
                repack(second);
                region.CheckForward(y2 ?? throw new UntracedOutputException());
                var (variableCts, inputCts) = backwardFn(region.NondiffArgs, residuals, region.Cotangent);
                return (region.Bind(variableCts, inputCts), outGroups);
            }, "custom_vjp");
        };
    }

    /// <summary>The collections of <paramref name="before"/>, replaced by those of <paramref name="after"/>.</summary>
    private static VariableDict Merged(VariableDict before, VariableDict after)
    {
        var merged = new OrderedDictionary<string, object>();
        foreach (var (collection, tree) in before) merged[collection] = tree;
        foreach (var (collection, tree) in after) merged[collection] = tree;
        return new VariableDict(merged);
    }
}
