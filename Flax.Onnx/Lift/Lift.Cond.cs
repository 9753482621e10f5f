using System.Collections.Immutable;

namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.cond</c>: the result of <paramref name="trueFun"/> where <paramref name="pred"/> is true, else of
    /// <paramref name="falseFun"/>, each run on the lifted view of <paramref name="scope"/>. As in Flax both branches
    /// are traced (in order, sharing the PRNG counters) and must hand out the same variable structure; only the taken
    /// branch's results and variable updates survive.
    /// </summary>
    /// <remarks>
    /// With a scalar <paramref name="pred"/> the branches become one <c>cond</c> equation, lowered to ONNX <c>If</c>:
    /// only the taken branch runs. An array predicate, or a branch that creates variables (during <c>Init</c>), keeps
    /// the select form: both branches are computed and their results selected element-wise (ONNX <c>Where</c>), the
    /// created variables coming out as the selected values. Gradients and <c>vmap</c> use the select form. Numbers
    /// written by the branches (counters) become int32 or float32 arrays when they differ.
    /// </remarks>
    /// <param name="pred">A boolean scalar (or an array that broadcasts against the results).</param>
    /// <param name="trueFun">The branch taken where <paramref name="pred"/> is true.</param>
    /// <param name="falseFun">The branch taken elsewhere.</param>
    /// <param name="scope">The scope the branches see.</param>
    /// <param name="operand">The branches' input.</param>
    /// <param name="variables">The collections the branches see and may change (default all).</param>
    /// <param name="rngs">The PRNG sequences they see (default all).</param>
    /// <returns>The selected result.</returns>
    /// <exception cref="ArgumentException"><paramref name="pred"/> is not boolean.</exception>
    /// <exception cref="LiftException">The branches' results or variables differ in structure, shape or dtype.</exception>
    public static Tensor Cond(Tensor pred, Func<Scope, Tensor, Tensor> trueFun, Func<Scope, Tensor, Tensor> falseFun, Scope scope,
        Tensor operand, Filter? variables = null, Filter? rngs = null)
    {
        ArgumentNullException.ThrowIfNull(pred);
        if (pred.DType != DType.Bool) throw new ArgumentException($"Pred type must be bool, got {pred.DType.Name()}.", nameof(pred));
        var index = pred.Rank == 0 ? pred.Cast(DType.Int32) : null;
        return Branches("cond", [trueFun, falseFun], k => pred, index, [1, 0], scope, operand, variables, rngs);
    }

    /// <summary>
    /// Flax's <c>lift.switch</c>: the result of <c>branches[index]</c>, the index clamped to the branches (as
    /// <c>lax.switch</c> does), each branch run on the lifted view of <paramref name="scope"/>. Every branch is traced,
    /// in order; see <see cref="Cond"/> for how the taken one is selected.
    /// </summary>
    /// <param name="index">An integer scalar.</param>
    /// <param name="branches">The branches (at least one).</param>
    /// <param name="scope">The scope the branches see.</param>
    /// <param name="operand">The branches' input.</param>
    /// <param name="variables">The collections the branches see and may change (default all).</param>
    /// <param name="rngs">The PRNG sequences they see (default all).</param>
    /// <returns>The selected result.</returns>
    /// <exception cref="ArgumentException"><paramref name="index"/> is not an integer, or there are no branches.</exception>
    /// <exception cref="LiftException">The branches' results or variables differ in structure, shape or dtype.</exception>
    public static Tensor Switch(Tensor index, Func<Scope, Tensor, Tensor>[] branches, Scope scope, Tensor operand,
        Filter? variables = null, Filter? rngs = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(branches);
        if (branches.Length == 0) throw new ArgumentException("Empty branch sequence", nameof(branches));
        if (index.DType is not (DType.Int32 or DType.Int64))
            throw new ArgumentException($"branch index must be an integer scalar, got {index.DType.Name()}.", nameof(index));
        // Clamped before the int32 cast, so an int64 index beyond the int32 range still picks the last branch.
        var clamped = index.Rank == 0 ? Tensor.Maximum(Tensor.Minimum(index, branches.Length - 1), 0).Cast(DType.Int32) : null;
        return Branches("switch", branches, k => k == 0 ? index <= 0 : Tensor.Equal(index, k), clamped,
            [.. Enumerable.Range(0, branches.Length)], scope, operand, variables, rngs);
    }

    /// <summary>
    /// Traces every branch on its own. With a scalar predicate and no variable created by a branch they become one
    /// <see cref="Primitive.Cond"/> over <paramref name="index"/> (branch <c>order[i]</c> is its branch <c>i</c>), which
    /// runs only the taken branch; otherwise all are replayed and selected: <c>taken(k)</c> is where branch <c>k</c>
    /// wins over the later ones (the last one wins elsewhere).
    /// </summary>
    private static Tensor Branches(string name, Func<Scope, Tensor, Tensor>[] branches, Func<int, Tensor> taken, Tensor? index,
        int[] order, Scope scope, Tensor operand, Filter? variables, Filter? rngs)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(operand);
        foreach (var branch in branches) ArgumentNullException.ThrowIfNull(branch, nameof(branches));
        Filter[] filters = [variables ?? Filter.All];
        return Pack(scope, filters, filters, [rngs ?? Filter.All], (scopeFn, repack, groups, rngGroups) =>
        {
            var trace = operand.Trace;
            var traces = branches.Select(branch => LiftedTrace.Trace([operand.Type], groups, (_, type) => type,
                (inner, hook) => scopeFn(inner, rngGroups, Filter.All, hook), repack, (s, xs) => [branch(s, xs[0])])).ToList();
            if (traces.Any(t => t.Hook.DrawsKeys)) (scope.Hook as IRngHook)?.OnKeyDrawn();
            var results = new List<(object Y, Dictionary<string, object> Leaves)>();
            foreach (var traced in traces)
            {
                var flat = new Dictionary<string, object>();
                foreach (var (path, value) in traced.OutGroups[0].Flatten()) flat[path] = value;
                for (int k = 0; k < traced.OutputLeaves.Count; k++) flat[traced.OutputLeaves[k].Path] = traced.Program.Outputs[1 + k].Var;
                results.Add((traced.Program.Outputs[0].Var, flat));
            }
            var keys = results[0].Leaves.Keys.ToList();
            if (results.Any(r => r.Leaves.Count != keys.Count || keys.Any(k => !r.Leaves.ContainsKey(k))))
                throw new LiftException($"{name} branches must write the same variables, got {string.Join(" vs ", results.Select(r => "(" + string.Join(", ", r.Leaves.Keys.Order()) + ")"))}.");
            bool lazy = index is not null && traces.All(t => t.Hook.Created.Count == 0);
            var (y, merged) = lazy
                ? AsCond(trace, traces, results, keys, index!, order, operand, groups)
                : AsSelect(trace, traces, results, keys, taken, operand, groups);
            return (y, new[] { VariableDict.Unflatten(keys.Select(k => KeyValuePair.Create(k, merged[k]))) });
        }, name);
    }

    /// <summary>The outer tensor of each input of a traced branch (the operand, then its variable leaves).</summary>
    private static Dictionary<Var, Tensor> InputTensors(LiftedTrace traced, Tensor operand, VariableDict[] groups)
    {
        var program = traced.Program;
        var leaves = new Dictionary<Var, Tensor> { [program.Inputs[0]] = operand };
        for (int k = 0; k < traced.InputLeaves.Count; k++)
            leaves[program.Inputs[1 + k]] = (Tensor)groups[traced.InputLeaves[k].Group].Flatten()[traced.InputLeaves[k].Path];
        return leaves;
    }

    /// <summary>The select form: every branch replayed, each differing value selected element-wise.</summary>
    private static (Tensor Y, Dictionary<string, object> Merged) AsSelect(TraceContext trace, List<LiftedTrace> traces,
        List<(object Y, Dictionary<string, object> Leaves)> results, List<string> keys, Func<int, Tensor> taken, Tensor operand, VariableDict[] groups)
    {
        var replayed = new List<(object Y, Dictionary<string, object> Leaves)>();
        for (int b = 0; b < traces.Count; b++)
        {
            var leaves = InputTensors(traces[b], operand, groups);
            foreach (var created in traces[b].Hook.Created) leaves[created.Tensor.Variable] = trace.AddConstant(created.Value);
            var outs = Inlining.Run(trace, traces[b].Program, v => leaves[v]);
            var byVar = traces[b].Program.Outputs.Select((o, k) => (o.Var, outs[k])).ToList();
            object Outer(object value) => value is Var v ? byVar.First(p => p.Var == v).Item2 : value;
            replayed.Add((Outer(results[b].Y), results[b].Leaves.ToDictionary(kv => kv.Key, kv => Outer(kv.Value))));
        }
        var y = (Tensor)Select([.. replayed.Select(r => r.Y)], taken, "output");
        return (y, keys.ToDictionary(k => k, k => Select([.. replayed.Select(r => r.Leaves[k])], taken, k)));
    }

    /// <summary>
    /// The lazy form: one <see cref="Primitive.Cond"/> whose branches read the same operands (the branch operand, the
    /// variable leaves any branch reads, the numbers a branch writes) and give the result and every variable leaf that
    /// is not the same static value in all branches.
    /// </summary>
    private static (Tensor Y, Dictionary<string, object> Merged) AsCond(TraceContext trace, List<LiftedTrace> traces,
        List<(object Y, Dictionary<string, object> Leaves)> results, List<string> keys, Tensor index, int[] order, Tensor operand, VariableDict[] groups)
    {
        var operands = new List<Tensor>();
        int OperandOf(Tensor t)
        {
            int at = operands.FindIndex(o => ReferenceEquals(o, t));
            if (at < 0) { operands.Add(t); at = operands.Count - 1; }
            return at;
        }
        var inputMaps = traces.Select(t => InputTensors(t, operand, groups).ToDictionary(kv => kv.Key, kv => OperandOf(kv.Value))).ToList();
        for (int b = 0; b < traces.Count; b++)
            foreach (var c in traces[b].Program.Constants) inputMaps[b][c.Var] = OperandOf(trace.AddConstant(c.Value));
        // The cond's outputs: the result, then each leaf whose values are not one static value.
        var outputKeys = keys.Where(k => !results.All(r => r.Leaves[k] is not Var && Trees.LeafEquals(r.Leaves[k], results[0].Leaves[k]))).ToList();
        var perBranch = new List<(int Operand, Var? Var)[]>();
        for (int b = 0; b < traces.Count; b++)
        {
            var values = new List<(int, Var?)> { (-1, (Var)results[b].Y) };
            foreach (var k in outputKeys)
                values.Add(results[b].Leaves[k] is Var v ? (-1, v) : (OperandOf(ToTensor(results[b].Leaves[k], k, results.Select(r => r.Leaves[k]))), null));
            perBranch.Add([.. values]);
        }
        var types = operands.Select(o => o.Type).ToArray();
        var programs = new Program[traces.Count];
        for (int b = 0; b < traces.Count; b++)
        {
            var program = traces[b].Program;
            var inputs = types.Select(t => new Var(t)).ToImmutableArray();
            Var Map(Var v) => inputMaps[b].TryGetValue(v, out var at) ? inputs[at] : v;
            programs[b] = new Program(inputs, [], [], [.. program.Eqns.Select(e => e with { Inputs = [.. e.Inputs.Select(Map)] })],
                [.. perBranch[b].Select((o, k) => new ProgramOutput($"out_{k}", o.Var is { } v ? Map(v) : inputs[o.Operand]))]);
        }
        for (int k = 0; k < perBranch[0].Length; k++)
        {
            var first = programs[0].Outputs[k].Var.Type;
            if (programs.Any(p => !p.Outputs[k].Var.Type.Equals(first)))
                throw new LiftException($"branches must give the same shape and dtype for \"{(k == 0 ? "output" : outputKeys[k - 1])}\", got {string.Join(", ", programs.Select(p => p.Outputs[k].Var.Type))}.");
        }
        var outs = trace.BindAll(Primitive.Cond, new CondParams([.. order.Select(b => programs[b])]), [index, .. operands]);
        var merged = keys.ToDictionary(k => k, k => outputKeys.IndexOf(k) is var at and >= 0 ? outs[1 + at] : results[0].Leaves[k]);
        return (outs[0], merged);
    }

    /// <summary>A value a branch gives as a tensor: a tensor as it is, an array or a number written by the branch (a
    /// counter) as a constant (<see cref="HostArrays.FromLeaf"/>).</summary>
    /// <exception cref="LiftException">The value is neither (the branches give different values of another kind).</exception>
    private static Tensor ToTensor(object value, string what, IEnumerable<object> all) => value switch
    {
        Tensor t => t,
        _ when HostArrays.FromLeaf(value) is { } array => array,
        _ => throw new LiftException($"branches give different values for \"{what}\" that are not arrays or numbers: {string.Join(", ", all)}."),
    };

    /// <summary>One value from every branch, selected; equal static values and one shared tensor stay as they are.</summary>
    private static object Select(List<object> values, Func<int, Tensor> taken, string what)
    {
        if (values.All(v => ReferenceEquals(v, values[0]) || v is not Tensor && Trees.LeafEquals(v, values[0]))) return values[0];
        var tensors = values.Select(v => ToTensor(v, what, values)).ToList();
        if (tensors.Any(t => !t.Type.Equals(tensors[0].Type)))
            throw new LiftException($"branches must give the same shape and dtype for \"{what}\", got {string.Join(", ", tensors.Select(t => t.Type))}.");
        var result = tensors[^1];
        for (int k = tensors.Count - 2; k >= 0; k--) result = Tensor.Where(taken(k), tensors[k], result);
        return result;
    }
}
