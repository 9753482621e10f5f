namespace Flax;

/// <summary>
/// The compile cache of one <c>Lift.Jit</c>ped function on tensors (Flax's <c>jax.jit</c> cache with
/// <c>_restore_rng_counters</c>): the body traced once per signature, replayed into the current trace on later calls,
/// with the PRNG counters advanced by what the first trace advanced them.
/// </summary>
internal sealed class JitCache
{
    private readonly Dictionary<(Filter Mutable, string Signature), (LiftedTrace Trace, RngCounters Delta)> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Calls the body through <c>pack</c>, tracing it only for a new signature.</summary>
    internal Tensor Call(Scope scope, Tensor x, Func<Scope, Tensor, Tensor> body, Filter variables, Filter rngs)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Lift.Pack(scope, [variables], [variables], [rngs], (scopeFn, repack, groups, rngGroups) =>
        {
            rngGroups = [.. rngGroups.Select(g => g.ToDictionary(kv => kv.Key, kv => kv.Value.ClearSuffix()))];
            var key = (scope.Mutable, Signature(x, groups, rngGroups));
            (LiftedTrace Trace, RngCounters Delta) entry;
            bool hit;
            lock (_lock) hit = _entries.TryGetValue(key, out entry);
            if (hit) scope.Counters.Advance(entry.Delta);
            else
            {
                var before = scope.Counters.Snapshot();
                var traced = LiftedTrace.Trace([x.Type], groups, (_, type) => type,
                    (inner, hook) => scopeFn(inner, rngGroups, Filter.All, hook), repack, (s, xs) => [body(s, xs[0])]);
                entry = (traced, scope.Counters.Since(before));
                lock (_lock) _entries[key] = entry;
            }
            return Replay(scope, x, groups, entry.Trace);
        }, "jit");
    }

    /// <summary>What a trace depends on besides the mutable collections: the input's type, every variable leaf (its type,
    /// or its value when it is not an array) and the PRNG keys.</summary>
    private static string Signature(Tensor x, VariableDict[] groups, Dictionary<string, LazyRng>[] rngs) =>
        string.Join("|", [x.Type.ToString(),
            .. groups.SelectMany(g => g.Flatten()).Select(leaf => $"{leaf.Key}={(leaf.Value is Tensor t ? t.Type.ToString() : leaf.Value)}"),
            .. rngs.SelectMany(g => g).Select(kv => $"{kv.Key}:{kv.Value.Key}:{kv.Value.Separator}")]);

    private static (Tensor, VariableDict[]) Replay(Scope scope, Tensor x, VariableDict[] groups, LiftedTrace traced)
    {
        var trace = x.Trace;
        var program = traced.Program;
        var leaves = new Dictionary<Var, Tensor> { [program.Inputs[0]] = x };
        for (int k = 0; k < traced.InputLeaves.Count; k++)
            leaves[program.Inputs[1 + k]] = (Tensor)groups[traced.InputLeaves[k].Group].Flatten()[traced.InputLeaves[k].Path];
        foreach (var created in traced.Hook.Created)
        {
            var outer = scope.Hook?.OnCreate(created.Collection, created.Path, created.Name, created.Value) ?? created.Value;
            leaves[created.Tensor.Variable] = outer as Tensor ?? trace.AddConstant((NDArray)outer);
        }
        if (traced.Hook.DrawsKeys) (scope.Hook as IRngHook)?.OnKeyDrawn();
        var outs = Inlining.Run(trace, program, v => leaves[v]);
        var replaced = traced.OutputLeaves.Select((leaf, k) => (leaf, value: outs[1 + k])).ToDictionary(p => p.leaf, p => (object)p.value);
        var outGroups = traced.OutGroups.Select((group, g) => VariableDict.Unflatten(group.Flatten().Select(leaf =>
            replaced.TryGetValue((g, leaf.Key), out var v) ? KeyValuePair.Create(leaf.Key, v) : leaf))).ToArray();
        return (outs[0], outGroups);
    }
}
