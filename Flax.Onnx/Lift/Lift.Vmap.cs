using System.Collections.Immutable;

namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.vmap</c>: maps a scope function over an axis of its inputs and of its variables. Collections
    /// matched by a key of <paramref name="variableAxes"/> with an axis are stacked along it (each index sees, and
    /// creates, its own slice); with a null axis they are shared by every index. PRNG sequences matched by a key of
    /// <paramref name="splitRngs"/> set to true get base key <c>split(key, axisSize)[i]</c> at index <c>i</c> (the
    /// path suffix is kept), so each index initialises differently; the others are the same at every index.
    /// </summary>
    /// <remarks>
    /// The body is traced once for one index and replayed with one batching rule per primitive, so the graph holds one
    /// batched copy of it, not one per index. When it draws keys from a split sequence (creates parameters, dropout),
    /// it is traced once per index to get each index's values, with the PRNG counters rewound before each trace so
    /// they advance once, as in JAX. The body must compute only with its arguments and variables: a tensor captured
    /// from the outer trace throws <see cref="UnexpectedTensorException"/>. Inside, error messages name the scope as
    /// Flax does, e.g. <c>/vmap(dense)</c>.
    /// </remarks>
    /// <param name="fn">The scope function to map.</param>
    /// <param name="variableAxes">Collection filter to the axis its variables are stacked on, or null for shared
    /// (Flax's <c>variable_axes</c>, e.g. <c>{ ["params"] = 0 }</c>); collections matched by no key are not visible
    /// inside.</param>
    /// <param name="splitRngs">PRNG sequence filter to whether it is split (Flax's <c>split_rngs</c>); sequences
    /// matched by no key are not visible inside.</param>
    /// <param name="inAxes">The mapped axis of each input, or null for an input shared by every index; default 0
    /// for all (Flax's <c>in_axes</c>).</param>
    /// <param name="outAxes">The axis of the output that holds the index (Flax's <c>out_axes</c>; negative counts from
    /// the end), or null for an output that is the same at every index.</param>
    /// <param name="axisSize">The number of indices; default inferred from the mapped inputs and variables.</param>
    /// <returns>The mapped scope function. Calling it throws <see cref="LiftException"/> when the mapped sizes disagree
    /// (<c>Inconsistent batch axis sizes: {2, 3}</c>), when there is nothing to infer the size from (<c>axis_size
    /// should be specified manually.</c>), or when a value written to a shared collection, or the output with
    /// <paramref name="outAxes"/> null, differs between indices (<c>vmap has mapped output but out_axes is None</c>);
    /// <see cref="ArgumentException"/> when an axis is out of range; and what <paramref name="fn"/> throws.</returns>
    public static Func<Scope, Tensor, Tensor> Vmap(Func<Scope, Tensor, Tensor> fn,
        IReadOnlyDictionary<Filter, int?> variableAxes, IReadOnlyDictionary<Filter, bool> splitRngs,
        int?[]? inAxes = null, int? outAxes = 0, int? axisSize = null)
        => Vmap(fn, Axes(variableAxes), splitRngs, inAxes, outAxes, axisSize);

    /// <inheritdoc cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, int?}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>
    public static Func<Scope, Tensor, Tensor, Tensor> Vmap(Func<Scope, Tensor, Tensor, Tensor> fn,
        IReadOnlyDictionary<Filter, int?> variableAxes, IReadOnlyDictionary<Filter, bool> splitRngs,
        int?[]? inAxes = null, int? outAxes = 0, int? axisSize = null)
        => Vmap(fn, Axes(variableAxes), splitRngs, inAxes, outAxes, axisSize);

    /// <inheritdoc cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, int?}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>
    public static Func<Scope, Tensor, Tensor, Tensor, Tensor> Vmap(Func<Scope, Tensor, Tensor, Tensor, Tensor> fn,
        IReadOnlyDictionary<Filter, int?> variableAxes, IReadOnlyDictionary<Filter, bool> splitRngs,
        int?[]? inAxes = null, int? outAxes = 0, int? axisSize = null)
        => Vmap(fn, Axes(variableAxes), splitRngs, inAxes, outAxes, axisSize);

    /// <summary>
    /// Flax's <c>lift.vmap</c> with <c>variable_axes</c> that may lift a collection in one direction only
    /// (<see cref="In(int?)"/>, <see cref="Out(int?)"/>); otherwise as
    /// <see cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, int?}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>.
    /// </summary>
    /// <inheritdoc cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, int?}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>
    public static Func<Scope, Tensor, Tensor> Vmap(Func<Scope, Tensor, Tensor> fn,
        IReadOnlyDictionary<Filter, InOutAxis> variableAxes, IReadOnlyDictionary<Filter, bool> splitRngs,
        int?[]? inAxes = null, int? outAxes = 0, int? axisSize = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var map = Vmapper(variableAxes, splitRngs, inAxes, 1, outAxes, axisSize);
        return (scope, x1) => map([scope], [x1], (inner, xs) => fn(inner[0], xs[0]));
    }

    /// <inheritdoc cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, InOutAxis}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>
    public static Func<Scope, Tensor, Tensor, Tensor> Vmap(Func<Scope, Tensor, Tensor, Tensor> fn,
        IReadOnlyDictionary<Filter, InOutAxis> variableAxes, IReadOnlyDictionary<Filter, bool> splitRngs,
        int?[]? inAxes = null, int? outAxes = 0, int? axisSize = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var map = Vmapper(variableAxes, splitRngs, inAxes, 2, outAxes, axisSize);
        return (scope, x1, x2) => map([scope], [x1, x2], (inner, xs) => fn(inner[0], xs[0], xs[1]));
    }

    /// <inheritdoc cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, InOutAxis}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>
    public static Func<Scope, Tensor, Tensor, Tensor, Tensor> Vmap(Func<Scope, Tensor, Tensor, Tensor, Tensor> fn,
        IReadOnlyDictionary<Filter, InOutAxis> variableAxes, IReadOnlyDictionary<Filter, bool> splitRngs,
        int?[]? inAxes = null, int? outAxes = 0, int? axisSize = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var map = Vmapper(variableAxes, splitRngs, inAxes, 3, outAxes, axisSize);
        return (scope, x1, x2, x3) => map([scope], [x1, x2, x3], (inner, xs) => fn(inner[0], xs[0], xs[1], xs[2]));
    }

    /// <summary>
    /// Flax's <c>lift.vmap</c> over a tuple of scopes (<c>vmap(g, ...)((scope, scope.push('a')), x)</c>):
    /// <paramref name="fn"/> gets one inner scope per scope given, in order. As in Flax's <c>pack</c>, a scope that
    /// descends from another one of the tuple is lifted through it and re-created inside by pushing the same names with
    /// <c>reuse</c>, so inside, <c>scopes[1].Parent</c> is <c>scopes[0]</c> when it was outside; otherwise as
    /// <see cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, InOutAxis}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>.
    /// </summary>
    /// <remarks>Scopes of the tuple that no other one contains are each lifted with their own variables and PRNG
    /// sequences, and what the body writes through them is published to each.</remarks>
    /// <inheritdoc cref="Vmap(Func{Scope, Tensor, Tensor}, IReadOnlyDictionary{Filter, InOutAxis}, IReadOnlyDictionary{Filter, bool}, int?[], int?, int?)"/>
    public static Func<Scope[], Tensor, Tensor> VmapScopes(Func<Scope[], Tensor, Tensor> fn,
        IReadOnlyDictionary<Filter, InOutAxis> variableAxes, IReadOnlyDictionary<Filter, bool> splitRngs,
        int?[]? inAxes = null, int? outAxes = 0, int? axisSize = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        var map = Vmapper(variableAxes, splitRngs, inAxes, 1, outAxes, axisSize);
        return (scopes, x1) =>
        {
            ArgumentNullException.ThrowIfNull(scopes);
            var (roots, paths) = ScopeTuple.Dedup(scopes);
            return map(roots, [x1], (inner, xs) => fn(ScopeTuple.Dup(inner, paths), xs[0]));
        };
    }

    /// <summary>Plain axes: every collection lifted in and out.</summary>
    private static Dictionary<Filter, InOutAxis> Axes(IReadOnlyDictionary<Filter, int?> variableAxes)
    {
        ArgumentNullException.ThrowIfNull(variableAxes);
        return variableAxes.ToDictionary(kv => kv.Key, kv => (InOutAxis)kv.Value);
    }

    /// <summary>The body of <c>vmap</c>, shared by every arity.</summary>
    private static Func<Scope[], Tensor[], Func<Scope[], Tensor[], Tensor>, Tensor> Vmapper(IReadOnlyDictionary<Filter, InOutAxis> variableAxes,
        IReadOnlyDictionary<Filter, bool> splitRngs, int?[]? inAxes, int arity, int? outAxes, int? axisSize)
    {
        ArgumentNullException.ThrowIfNull(variableAxes);
        ArgumentNullException.ThrowIfNull(splitRngs);
        // Flax's _split_in_out_axes: In(axis) entries are lifted in only, Out(axis) entries out only.
        var axes = variableAxes.Where(kv => kv.Value.IsIn).Select(kv => (Filter: kv.Key, kv.Value.Axis)).ToArray();
        var outs = variableAxes.Where(kv => kv.Value.IsOut).Select(kv => (Filter: kv.Key, kv.Value.Axis)).ToArray();
        var splits = splitRngs.Select(kv => (Filter: kv.Key, Split: kv.Value)).ToArray();
        var argAxes = inAxes ?? [.. Enumerable.Repeat<int?>(0, arity)];
        if (argAxes.Length != arity)
            throw new ArgumentException($"in_axes has {argAxes.Length} entries for a function of {arity} input(s).", nameof(inAxes));
        if (axisSize is < 1) throw new ArgumentOutOfRangeException(nameof(axisSize), axisSize, "axis_size must be positive.");
        Filter[] filters = [.. axes.Select(a => a.Filter)];
        Filter[] outFilters = [.. outs.Select(a => a.Filter)];
        Filter[] rngFilters = [.. splits.Select(s => s.Filter)];

        return (roots, args, body) =>
        {
            foreach (var scope in roots) ArgumentNullException.ThrowIfNull(scope);
            foreach (var x in args) ArgumentNullException.ThrowIfNull(x);
            return PackScopes(roots, filters, outFilters, rngFilters, (scopeFn, repack, groups, rngGroups, innerRoots) =>
            {
                var trace = args.Length > 0 ? args[0].Trace : TraceContext.Current
                    ?? throw new InvalidOperationException("Lift.Vmap maps traced functions: call it inside a function given to Core.Init, Core.Apply or Core.Export.");
                // The groups and PRNG groups are scope-major: entry g belongs to filter g % (filters per scope).
                var groupAxes = groups.Select((group, g) => axes[g % axes.Length].Axis is { } axis ? (int?)GroupAxis(group, axis) : null).ToArray();
                var argAxis = args.Select((x, i) => argAxes[i] is { } axis ? (int?)Axis(axis, x.Rank, "in_axes") : null).ToArray();
                int size = AxisSize(groups, groupAxes, args, argAxis, axisSize);
                var run = new VmapRun(trace, roots, scopeFn, repack, (inner, xs) => body(innerRoots(inner), xs), outFilters, groups, groupAxes, args, argAxis, size);
                var rngs = rngGroups.Select((group, k) => splits[k % splits.Length].Split ? group.ToDictionary(kv => kv.Key, kv => kv.Value.SplitBase(Math.Max(size, 0), kv.Key, "vmap")) : null).ToArray();
                var traces = run.TraceAll(index => [.. rngGroups.Select((group, k) => rngs[k] is { } keys
                    ? group.ToDictionary(kv => kv.Key, kv => new LazyRng(keys[kv.Key][index], kv.Value.Suffix, kv.Value.Separator))
                    : group)], splits: rngs.Any(r => r is { Count: > 0 }));
                int? outAxis = outAxes is { } o ? Axis(o, traces[0].Program.Outputs[0].Var.Type.Rank + 1, "out_axes") : null;
                return run.Replay(traces, outAxis, [.. roots.SelectMany(_ => outs.Select(a => a.Axis))]);
            }, name: "vmap");
        };
    }

    /// <summary>A variable group's axis, checked against the rank of its first leaf (any leaf in range will do there).</summary>
    private static int GroupAxis(VariableDict group, int axis)
    {
        var first = group.Flatten().Values.OfType<IShaped>().FirstOrDefault();
        return first is null ? axis : Axis(axis, first.Shape.Length, "variable_axes");
    }

    private static int Axis(int axis, int rank, string what)
    {
        if (axis < -rank || axis >= rank)
            throw new ArgumentException($"{what} value {axis} is out of bounds for an array of rank {rank}.");
        return axis < 0 ? axis + rank : axis;
    }

    /// <summary>Flax's <c>find_axis_size</c>: the size of the mapped axis of the first leaf of every mapped variable
    /// group and of every mapped input.</summary>
    private static int AxisSize(VariableDict[] groups, int?[] groupAxes, Tensor[] args, int?[] argAxes, int? axisSize)
    {
        var sizes = new SortedSet<int>();
        for (int g = 0; g < groups.Length; g++)
            if (groupAxes[g] is { } axis && Trees.Leaves(groups[g]).OfType<IShaped>().FirstOrDefault() is { } leaf)
                sizes.Add(leaf.Shape[axis]);
        for (int i = 0; i < args.Length; i++)
            if (argAxes[i] is { } axis) sizes.Add(args[i].Shape[axis]);
        if (axisSize is null && sizes.Count == 1) return sizes.Min;
        if (sizes.Count > 1)
            throw new LiftException($"Inconsistent batch axis sizes: {{{string.Join(", ", sizes.Select(s => s < 0 ? "None" : s.ToString(System.Globalization.CultureInfo.InvariantCulture)))}}}");
        return axisSize ?? throw new LiftException("axis_size should be specified manually.");
    }
}
