namespace Flax;

/// <summary>
/// One call of a <c>vmap</c>ped function inside <c>pack</c>: traces the body for one index (or for every index when
/// it draws keys from a split sequence), combines what the traces created (stacked for mapped collections), and
/// replays the body batched into the outer trace (<see cref="Batching"/>).
/// </summary>
internal sealed class VmapRun(TraceContext trace, Scope[] scopes, Lift.ScopeFactory scopeFn, Func<Scope, VariableDict[]> repack,
    Func<Scope, Tensor[], Tensor> body, Filter[] outFilters, VariableDict[] groups, int?[] groupAxes, Tensor[] args, int?[] argAxes, int size)
{
    /// <summary>Traces the body at index 0, and at every other index too when its values depend on split keys; the
    /// PRNG counters are rewound before each further trace, so they advance as for one trace. Keys drawn inside are
    /// reported to the outer scope's hook (the outer trace then holds values of this call's keys).</summary>
    /// <param name="rngsAt">The PRNG groups of index <c>i</c>.</param>
    /// <param name="splits">Whether some sequence is split.</param>
    internal List<LiftedTrace> TraceAll(Func<int, Dictionary<string, LazyRng>[]> rngsAt, bool splits)
    {
        if (splits && size < 0)
            throw new NotSupportedException("vmap over the dynamic batch axis cannot split PRNG sequences: trace the call at a static batch size.");
        var snapshots = scopes.Select(s => s.Counters.Snapshot()).ToArray();
        var traces = new List<LiftedTrace> { TraceAt(0, rngsAt) };
        if (traces[0].Hook.DrawsKeys) (scopes[0].Hook as IRngHook)?.OnKeyDrawn();
        if (!splits || !traces[0].Hook.DrawsKeys) return traces;
        for (int i = 1; i < size; i++)
        {
            for (int k = 0; k < scopes.Length; k++) scopes[k].Counters.Restore(snapshots[k]);
            var next = TraceAt(i, rngsAt);
            if (next.Program.Eqns.Length != traces[0].Program.Eqns.Length || next.Hook.Created.Count != traces[0].Hook.Created.Count
                || next.Program.Constants.Length != traces[0].Program.Constants.Length)
                throw new NotSupportedException($"vmap's body traced differently at index {i} than at index 0; its structure must not depend on the PRNG keys.");
            traces.Add(next);
        }
        return traces;
    }

    private LiftedTrace TraceAt(int index, Func<int, Dictionary<string, LazyRng>[]> rngsAt) =>
        LiftedTrace.Trace([.. args.Select((x, i) => Unmapped(x.Type, argAxes[i]))], groups, (g, type) => Unmapped(type, groupAxes[g]),
            (inner, hook) => scopeFn(inner, rngsAt(index), Filter.All, hook), repack, (s, xs) => [body(s, xs)]);

    private static TensorType Unmapped(TensorType type, int? axis) => axis is { } a ? new TensorType(type.DType, type.Dims.RemoveAt(a)) : type;

    /// <summary>Replays the traced body batched; returns its output with the index on <paramref name="outAxis"/> and
    /// the variable groups to publish.</summary>
    /// <param name="traces">The traces from <see cref="TraceAll"/>.</param>
    /// <param name="outAxis">The output's index axis, or null for an output that must be the same at every index.</param>
    /// <param name="rawAxes">The axis of each out group as given (it may count from the end).</param>
    internal (Tensor Output, VariableDict[] OutGroups) Replay(List<LiftedTrace> traces, int? outAxis, int?[] rawAxes)
    {
        var first = traces[0];
        var program = first.Program;
        var leaves = new Dictionary<Var, Batched>();
        for (int j = 0; j < args.Length; j++) leaves[program.Inputs[j]] = new Batched(args[j], argAxes[j]);
        for (int k = 0; k < first.InputLeaves.Count; k++)
        {
            var (g, path) = first.InputLeaves[k];
            leaves[program.Inputs[args.Length + k]] = new Batched((Tensor)groups[g].Flatten()[path], groupAxes[g]);
        }
        for (int c = 0; c < first.Hook.Created.Count; c++)
        {
            var created = first.Hook.Created[c];
            int? axis = rawAxes[Array.FindIndex(outFilters, f => f.Contains(created.Collection))] is { } raw
                ? Normalize(raw, created.Value.Rank + 1) : null;
            var values = traces.Select(t => t.Hook.Created[c].Value).ToList();
            var value = axis is { } a ? HostArrays.Stack(values.Count == size ? values : [.. Enumerable.Repeat(values[0], size)], a)
                : Same(values, created.FullPath);
            var outer = scopes[0].Hook?.OnCreate(created.Collection, created.Path, created.Name, value) ?? value;
            leaves[created.Tensor.Variable] = new Batched(outer as Tensor ?? trace.AddConstant((NDArray)outer), axis);
        }
        for (int c = 0; c < program.Constants.Length; c++)
        {
            var values = traces.Select(t => t.Program.Constants[c].Value).ToList();
            leaves[program.Constants[c].Var] = values.All(v => v.ArrayEquals(values[0], equalNan: true))
                ? new Batched(trace.AddConstant(values[0]), null)
                : new Batched(trace.AddConstant(HostArrays.Stack(values, 0)), 0);
        }

        var outputs = Batching.Run(trace, program, v => leaves[v], size);
        var ctx = new BatchContext(trace, size);
        var y = outAxis is { } yAxis ? Batching.MoveTo(ctx, outputs[0], yAxis)
            : outputs[0].Axis is null ? outputs[0].Value : throw new LiftException("vmap has mapped output but out_axes is None");
        var replaced = new Dictionary<(int, string), object>();
        for (int k = 0; k < first.OutputLeaves.Count; k++)
        {
            var (g, path) = first.OutputLeaves[k];
            var value = outputs[k + 1];
            if (rawAxes[g] is { } raw)
                replaced[(g, path)] = Batching.MoveTo(ctx, value, Normalize(raw, program.Outputs[k + 1].Var.Type.Rank + 1));
            else
                replaced[(g, path)] = value.Axis is null ? value.Value
                    : throw new LiftException($"vmap has mapped output but out_axes is None: variable \"{path}\" differs between indices but its collection is shared (variable_axes None).");
        }
        var outGroups = first.OutGroups.Select((group, g) => VariableDict.Unflatten(group.Flatten().Select(leaf =>
            replaced.TryGetValue((g, leaf.Key), out var v) ? KeyValuePair.Create(leaf.Key, v) : leaf))).ToArray();
        return (y, outGroups);
    }

    private static int Normalize(int axis, int rank) => axis < 0 ? axis + rank : axis;

    /// <summary>The value every index created in a shared collection; they must agree.</summary>
    internal static NDArray Same(List<NDArray> values, string path) =>
        values.All(v => v.ArrayEquals(values[0], equalNan: true)) ? values[0]
            : throw new LiftException($"vmap has mapped output but out_axes is None: \"{path}\" was created differently at each index in a shared collection (variable_axes None); do not split its PRNG sequence.");
}
