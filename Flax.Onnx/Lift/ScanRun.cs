namespace Flax;

/// <summary>
/// One call of a <c>scan</c>ned function inside <c>pack</c>, unrolled into the outer trace. Variable groups are
/// <c>(broadcast, carry, scanned...)</c>. As in Flax (<c>check_constancy_invariants</c>), the body is first traced once
/// to create the broadcast variables, then traced for the loop (once, or once per step when it draws keys from a split
/// sequence, with the PRNG counters rewound before each further trace so they advance as for one trace), and each step
/// is replayed with its slices of the scanned inputs and variables.
/// </summary>
internal sealed partial class ScanRun(TraceContext trace, Scope scope, Lift.ScopeFactory scopeFn, Func<Scope, VariableDict[]> repack,
    Func<Scope, Tensor[], Tensor[], (Tensor[] Carry, Tensor[] Ys)> body, Filter[] filters, VariableDict[] groups, int[] groupAxes,
    int length, Dictionary<string, LazyRng>[] rngGroups, bool[] splits)
{
    private const int Broadcast = 0, Carry = 1;

    /// <summary>Runs the loop; returns the final carry, the stacked outputs and the variable groups to publish.</summary>
    internal (Tensor[] Carry, Tensor[] Ys, VariableDict[] OutGroups) Run(Tensor[] init, Tensor[] xs, int?[] inAxes, int outAxis, bool reverse)
    {
        var argTypes = init.Select(c => c.Type).Concat(xs.Select((x, i) => inAxes[i] is { } a ? Without(x.Type, a) : x.Type)).ToArray();
        var keys = rngGroups.Select((group, k) => splits[k] ? group.ToDictionary(kv => kv.Key, kv => kv.Value.SplitBase(length, kv.Key, "scan")) : null).ToArray();
        Dictionary<string, LazyRng>[] RngsAt(int step) => [.. rngGroups.Select((group, k) => keys[k] is { } split
            ? group.ToDictionary(kv => kv.Key, kv => new LazyRng(split[kv.Key][step], kv.Value.Suffix, kv.Value.Separator))
            : group)];
        int carryCount = init.Length;
        Tensor[] Body(Scope s, Tensor[] args)
        {
            var (c, ys) = body(s, args[..carryCount], args[carryCount..]);
            if (c.Length != carryCount)
                throw new LiftException($"scan body returned {c.Length} carry value(s) for {carryCount}.");
            for (int j = 0; j < carryCount; j++)
                if (!c[j].Type.Equals(args[j].Type))
                    throw new LiftException($"scan carry output and input must have the same type structure: carry {j} is {args[j].Type} in and {c[j].Type} out.");
            return [.. c, .. ys];
        }
        LiftedTrace TraceAt(int step, VariableDict[] inGroups) => LiftedTrace.Trace(argTypes, inGroups,
            (g, type) => g > Carry ? Without(type, groupAxes[g]) : type,
            (inner, hook) => scopeFn(inner, RngsAt(step), Filter.All, hook), repack, Body);

        // Pass 1: the broadcast variables (created now, from the first step's keys, as in Flax's init-mode pass).
        var first = TraceAt(0, groups);
        var created = new Dictionary<Var, Tensor>();
        var broadcastIn = new Dictionary<string, object>(groups[Broadcast].Flatten());
        var inputs = InputMap(first, groups);
        foreach (var leaf in first.Hook.Created.Where(c => Group(c.Collection) == Broadcast))
            created[leaf.Tensor.Variable] = Outer(leaf, leaf.Value);
        foreach (var (path, value) in first.OutGroups[Broadcast].Flatten())
            broadcastIn[path] = value is Tensor t ? BroadcastValue(first, t, created, inputs, path) : value;
        var loopGroups = (VariableDict[])groups.Clone();
        loopGroups[Broadcast] = VariableDict.Unflatten(broadcastIn);

        // Pass 2: the loop body, at every step or once.
        bool anyDrawn = first.Hook.DrawsKeys;
        var snapshot = scope.Counters.Snapshot();
        var traces = new List<LiftedTrace> { TraceAt(0, loopGroups) };
        anyDrawn |= traces[0].Hook.DrawsKeys;
        if (keys.Any(k => k is { Count: > 0 }) && traces[0].Hook.DrawsKeys)
            for (int i = 1; i < length; i++)
            {
                var after = scope.Counters.Snapshot();
                scope.Counters.Restore(snapshot);
                traces.Add(TraceAt(i, loopGroups));
                scope.Counters.Restore(after);
                if (traces[i].Program.Eqns.Length != traces[0].Program.Eqns.Length || traces[i].Hook.Created.Count != traces[0].Hook.Created.Count)
                    throw new NotSupportedException($"scan's body traced differently at step {i} than at step 0; its structure must not depend on the PRNG keys.");
            }
        if (anyDrawn) (scope.Hook as IRngHook)?.OnKeyDrawn();
        var loop = traces[0];
        var stacked = new Dictionary<int, Tensor>();
        for (int c = 0; c < loop.Hook.Created.Count; c++)
        {
            var leaf = loop.Hook.Created[c];
            var values = traces.Select(t => t.Hook.Created[c].Value).ToList();
            if (Group(leaf.Collection) is var g && g > Carry)
                stacked[c] = Outer(leaf, HostArrays.Stack(values.Count == length ? values : [.. Enumerable.Repeat(values[0], length)], groupAxes[g]));
            else
                stacked[c] = Outer(leaf, VmapRun.Same(values, leaf.FullPath));
        }

        // One scan equation above the threshold, else the steps replayed in loop order.
        var loopInputs = InputMap(loop, loopGroups);
        var carry = init;
        var carryVars = new Dictionary<string, object>(groups[Carry].Flatten());
        var scanned = new Dictionary<(int, string), Tensor[]>();
        var scannedStacked = new Dictionary<(int, string), Tensor>();
        if (length > Lift.ScanUnrollThreshold && traces.Count == 1
            && Emit(loop, init, xs, inAxes, outAxis, reverse, loopGroups, carryVars, scannedStacked) is { } emitted)
            return (emitted.Carry, emitted.Ys, OutGroups(loop, broadcastIn, carryVars, stacked, loopInputs, scanned, scannedStacked));
        var ys = new Tensor[length][];
        foreach (int step in reverse ? Enumerable.Range(0, length).Reverse() : Enumerable.Range(0, length))
        {
            var program = traces[traces.Count == 1 ? 0 : step].Program;
            var leaves = new Dictionary<Var, Tensor>();
            for (int j = 0; j < carry.Length; j++) leaves[program.Inputs[j]] = carry[j];
            for (int j = 0; j < xs.Length; j++) leaves[program.Inputs[carry.Length + j]] = inAxes[j] is { } a ? Slice(xs[j], step, a) : xs[j];
            for (int k = 0; k < loop.InputLeaves.Count; k++)
            {
                var (g, path) = loop.InputLeaves[k];
                var v = program.Inputs[carry.Length + xs.Length + k];
                leaves[v] = g == Carry ? (Tensor)carryVars[path]
                    : g == Broadcast ? (Tensor)loopGroups[g].Flatten()[path]
                    : Slice((Tensor)loopGroups[g].Flatten()[path], step, groupAxes[g]);
            }
            var createdLeaves = traces[traces.Count == 1 ? 0 : step].Hook.Created;
            for (int c = 0; c < createdLeaves.Count; c++)
                leaves[createdLeaves[c].Tensor.Variable] = Group(createdLeaves[c].Collection) is var g && g > Carry
                    ? Slice(stacked[c], step, groupAxes[g]) : stacked[c];
            var outs = Inlining.Run(trace, program, v => leaves[v]);
            carry = [.. outs.Take(carry.Length)];
            ys[step] = [.. outs.Skip(carry.Length).Take(loop.Results - carry.Length)];
            for (int k = 0; k < loop.OutputLeaves.Count; k++)
            {
                var (g, path) = loop.OutputLeaves[k];
                if (g == Carry) carryVars[path] = outs[loop.Results + k];
                else if (g > Carry) (scanned.TryGetValue((g, path), out var steps) ? steps : scanned[(g, path)] = new Tensor[length])[step] = outs[loop.Results + k];
            }
        }

        var stackedYs = Enumerable.Range(0, loop.Results - carry.Length)
            .Select(o => Stack([.. ys.Select(y => y[o])], outAxis < 0 ? outAxis + ys[0][o].Rank + 1 : outAxis)).ToArray();
        return (carry, stackedYs, OutGroups(loop, broadcastIn, carryVars, stacked, loopInputs, scanned, scannedStacked));
    }

    /// <summary>The variable groups to publish after the loop.</summary>
    private VariableDict[] OutGroups(LiftedTrace loop, Dictionary<string, object> broadcastIn, Dictionary<string, object> carryVars,
        Dictionary<int, Tensor> stacked, Dictionary<Var, object> loopInputs, Dictionary<(int, string), Tensor[]> scanned,
        Dictionary<(int, string), Tensor> scannedStacked) =>
        [.. loop.OutGroups.Select((group, g) => VariableDict.Unflatten(group.Flatten().Select(leaf => leaf.Value is not Tensor t ? leaf
            : KeyValuePair.Create(leaf.Key, g switch
            {
                Broadcast => broadcastIn[leaf.Key],
                Carry => carryVars[leaf.Key],
                _ => scannedStacked.TryGetValue((g, leaf.Key), out var whole) ? whole : ScannedOut(loop, t, g, leaf.Key, stacked, loopInputs, scanned),
            }))))];

    /// <summary>The outer value of a scanned variable: the outer tensor itself when the body left it unchanged (or
    /// created it), else the steps' values stacked.</summary>
    private object ScannedOut(LiftedTrace loop, Tensor inner, int g, string path, Dictionary<int, Tensor> stacked,
        Dictionary<Var, object> inputs, Dictionary<(int, string), Tensor[]> scanned)
    {
        int created = loop.Hook.Created.ToList().FindIndex(c => ReferenceEquals(c.Tensor.Variable, inner.Variable));
        if (created >= 0) return stacked[created];
        if (inputs.TryGetValue(inner.Variable, out var outer)) return outer;
        return Stack(scanned[(g, path)], groupAxes[g]);
    }

    /// <summary>The outer value behind each variable-leaf input of a trace.</summary>
    private static Dictionary<Var, object> InputMap(LiftedTrace t, VariableDict[] inGroups)
    {
        int offset = t.Program.Inputs.Length - t.InputLeaves.Count;
        return t.InputLeaves.Select((leaf, k) => (Var: t.Program.Inputs[offset + k], Value: inGroups[leaf.Group].Flatten()[leaf.Path]))
            .ToDictionary(p => p.Var, p => p.Value);
    }

    /// <summary>A broadcast variable after the first pass: created there, or passed in unchanged; anything computed
    /// in the body is refused, as Flax refuses what depends on the loop.</summary>
    private static object BroadcastValue(LiftedTrace t, Tensor inner, Dictionary<Var, Tensor> created, Dictionary<Var, object> inputs, string path)
    {
        if (created.TryGetValue(inner.Variable, out var value)) return value;
        if (inputs.TryGetValue(inner.Variable, out var outer)) return outer;
        throw new LiftException($"broadcasted variable has a data dependency on the scan body. (\"{path}\" is computed in the body; only variables created or passed in unchanged can be broadcast here.)");
    }

    private int Group(string collection) => Array.FindIndex(filters, f => f.Contains(collection));

    private Tensor Outer(LiftedHook.CreatedLeaf leaf, NDArray value)
    {
        var outer = scope.Hook?.OnCreate(leaf.Collection, leaf.Path, leaf.Name, value) ?? value;
        return outer as Tensor ?? trace.AddConstant((NDArray)outer);
    }

    private static TensorType Without(TensorType type, int axis) => new(type.DType, type.Dims.RemoveAt(axis));

    private static Tensor Slice(Tensor x, int index, int axis) => x.SliceInDim(index, index + 1, 1, axis).Squeeze(axis);

    private static Tensor Stack(Tensor[] steps, int axis) => Tensor.Concat(steps.Select(s => s.ExpandDims(axis)), axis);
}
