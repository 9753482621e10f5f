namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.scan</c>: runs <paramref name="fn"/> once per step along an axis of the input, threading a carry
    /// and stacking the per-step outputs, as <c>jax.lax.scan</c>. Collections matched by a key of
    /// <paramref name="variableAxes"/> are scanned (each step sees, and creates, its slice along the axis);
    /// <paramref name="variableBroadcast"/> collections are shared by every step (created once, before the loop);
    /// <paramref name="variableCarry"/> collections are carried (what a step writes, the next step reads). PRNG
    /// sequences matched by a key of <paramref name="splitRngs"/> set to true get base key <c>split(key, length)[i]</c>
    /// at step <c>i</c>; the others are the same at every step.
    /// </summary>
    /// <remarks>
    /// A loop longer than <see cref="ScanUnrollThreshold"/> steps is traced once into one <c>scan</c> equation and
    /// exported as one ONNX <c>Scan</c> (a reverse loop reads and writes its slices backwards); a shorter one, and
    /// every loop that creates variables (<c>Core.Init</c>), is unrolled into the graph (one copy of the body per step,
    /// slicing the scanned values). <paramref name="unroll"/> is accepted for Flax's signature and has no effect. As in Flax with
    /// <c>check_constancy_invariants</c>, the body is traced once to create the broadcast variables and again for the
    /// loop, so PRNG counters advance twice. Gradients flow through the unrolled steps, or through a <c>scan</c>
    /// equation by two more scans (the carries stacked, then the cotangents carried back the other way); <c>vmap</c> of a <c>scan</c> batches its unrolled form.
    /// </remarks>
    /// <param name="fn">The body: <c>(scope, carry, x) -> (carry, y)</c>; the carry is a tuple of tensors (possibly
    /// empty) whose types do not change.</param>
    /// <param name="variableAxes">Collection filter to the axis its variables are scanned along (Flax's
    /// <c>variable_axes</c>).</param>
    /// <param name="variableBroadcast">The broadcast collections (default none).</param>
    /// <param name="variableCarry">The carried collections (default none).</param>
    /// <param name="splitRngs">PRNG sequence filter to whether it is split per step (default none is visible).</param>
    /// <param name="inAxes">The axis of <c>x</c> to scan along, or null to give the whole of <c>x</c> to every step
    /// (Flax's <c>flax.core.broadcast</c>).</param>
    /// <param name="outAxes">The axis of the stacked output that holds the step.</param>
    /// <param name="length">The number of steps; default the size of the scanned axis.</param>
    /// <param name="reverse">Run from the last step to the first (outputs stay in step order).</param>
    /// <param name="unroll">Flax's <c>unroll</c>; no effect here (see <see cref="ScanUnrollThreshold"/>).</param>
    /// <returns>The scanned function <c>(scope, carry, xs) -> (carry, ys)</c>. It throws <see cref="LiftException"/>
    /// for Flax's <c>length should be specified manually.</c>, for a carry whose type changes, and for a broadcast
    /// variable computed from the loop (<c>broadcasted variable has a data dependency on the scan body.</c>).</returns>
    public static Func<Scope, Tensor[], Tensor, (Tensor[] Carry, Tensor Ys)> Scan(Func<Scope, Tensor[], Tensor, (Tensor[] Carry, Tensor Y)> fn,
        IReadOnlyDictionary<Filter, int>? variableAxes = null, Filter? variableBroadcast = null, Filter? variableCarry = null,
        IReadOnlyDictionary<Filter, bool>? splitRngs = null, int? inAxes = 0, int outAxes = 0, int? length = null,
        bool reverse = false, int unroll = 1)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentOutOfRangeException.ThrowIfLessThan(unroll, 1);
        var scan = Scanner(variableAxes, variableBroadcast, variableCarry, splitRngs, outAxes, length, reverse);
        return (scope, carry, xs) =>
        {
            ArgumentNullException.ThrowIfNull(carry);
            ArgumentNullException.ThrowIfNull(xs);
            var (c, ys) = scan(scope, carry, [xs], [inAxes], (s, cs, x) =>
            {
                var (next, y) = fn(s, cs, x[0]);
                return (next, [y]);
            });
            return (c, ys[0]);
        };
    }

    /// <summary>The body of <c>scan</c> for any number of carries, inputs and outputs.</summary>
    internal static Func<Scope, Tensor[], Tensor[], int?[], Func<Scope, Tensor[], Tensor[], (Tensor[] Carry, Tensor[] Ys)>, (Tensor[] Carry, Tensor[] Ys)> Scanner(
        IReadOnlyDictionary<Filter, int>? variableAxes, Filter? variableBroadcast, Filter? variableCarry,
        IReadOnlyDictionary<Filter, bool>? splitRngs, int outAxes, int? length, bool reverse)
    {
        var axes = (variableAxes ?? new Dictionary<Filter, int>()).Select(kv => (Filter: kv.Key, Axis: kv.Value)).ToArray();
        var splits = (splitRngs ?? new Dictionary<Filter, bool>()).Select(kv => (Filter: kv.Key, Split: kv.Value)).ToArray();
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "length must not be negative.");
        if (axes.FirstOrDefault(a => a.Axis < 0) is { Filter: not null } negative)
            throw new ArgumentOutOfRangeException(nameof(variableAxes), negative.Axis, "scan's variable axes must not be negative (the stacked rank is not known before the variables exist).");
        Filter[] filters = [variableBroadcast ?? Filter.Nothing, variableCarry ?? Filter.Nothing, .. axes.Select(a => a.Filter)];
        Filter[] rngFilters = [.. splits.Select(s => s.Filter)];

        return (scope, init, xs, inAxes, body) =>
        {
            ArgumentNullException.ThrowIfNull(scope);
            foreach (var x in init.Concat(xs)) ArgumentNullException.ThrowIfNull(x);
            return Pack(scope, filters, filters, rngFilters, (scopeFn, repack, groups, rngGroups) =>
            {
                var trace = init.Concat(xs).FirstOrDefault()?.Trace ?? TraceContext.Current
                    ?? throw new InvalidOperationException("Lift.Scan scans traced functions: call it inside a function given to Core.Init, Core.Apply or Core.Export.");
                var xAxes = xs.Select((x, i) => inAxes[i] is { } a ? (int?)Axis(a, x.Rank, "in_axes") : null).ToArray();
                var lengths = new SortedSet<int>(xs.Where((_, i) => xAxes[i] is not null).Select((x, i) => x.Shape[xAxes[i]!.Value]));
                int n = length is null && lengths.Count == 1 ? lengths.Min
                    : lengths.Count > 1 ? throw new LiftException($"Inconsistent scan lengths: {{{string.Join(", ", lengths)}}}")
                    : length ?? throw new LiftException("length should be specified manually.");
                if (n < 0) throw new NotSupportedException("scan over the dynamic batch axis cannot be unrolled: trace the call at a static size.");
                if (n == 0) throw new NotSupportedException("scan of length 0 is not supported (the unrolled loop has no step to trace).");
                int[] groupAxes = [0, 0, .. axes.Select((a, g) => GroupAxis(groups[g + 2], a.Axis))];
                var run = new ScanRun(trace, scope, scopeFn, repack, body, filters, groups, groupAxes, n, rngGroups, [.. splits.Select(s => s.Split)]);
                var (carry, ys, outGroups) = run.Run(init, xs, xAxes, outAxes, reverse);
                return ((carry, ys), outGroups);
            }, name: "scan");
        };
    }
}
