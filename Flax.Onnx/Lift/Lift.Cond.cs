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
    /// Both branches are computed in the graph and their results selected element-wise (ONNX <c>Where</c>): right for
    /// side-effect-free branches of moderate cost, not a lazy <c>If</c>. Variables a branch creates during
    /// <c>Init</c> come out as the selected values (so they are computed by the run), numbers written by the
    /// branches (counters) become int32 or float32 arrays when they differ.
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
        return Branches("cond", [trueFun, falseFun], k => pred, scope, operand, variables, rngs);
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
        return Branches("switch", branches, k => k == 0 ? index <= 0 : Tensor.Equal(index, k), scope, operand, variables, rngs);
    }

    /// <summary>Traces every branch on its own, replays them all and selects: <c>taken(k)</c> is where branch
    /// <c>k</c> wins over the later ones (the last one wins elsewhere).</summary>
    private static Tensor Branches(string name, Func<Scope, Tensor, Tensor>[] branches, Func<int, Tensor> taken, Scope scope,
        Tensor operand, Filter? variables, Filter? rngs)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(operand);
        foreach (var branch in branches) ArgumentNullException.ThrowIfNull(branch, nameof(branches));
        Filter[] filters = [variables ?? Filter.All];
        return Pack(scope, filters, filters, [rngs ?? Filter.All], (scopeFn, repack, groups, rngGroups) =>
        {
            var trace = operand.Trace;
            var results = new List<(Tensor Y, Dictionary<string, object> Leaves)>();
            bool drawn = false;
            foreach (var branch in branches)
            {
                var traced = LiftedTrace.Trace([operand.Type], groups, (_, type) => type,
                    (inner, hook) => scopeFn(inner, rngGroups, Filter.All, hook), repack, (s, xs) => [branch(s, xs[0])]);
                drawn |= traced.Hook.DrawsKeys;
                var program = traced.Program;
                var leaves = new Dictionary<Var, Tensor> { [program.Inputs[0]] = operand };
                for (int k = 0; k < traced.InputLeaves.Count; k++)
                    leaves[program.Inputs[1 + k]] = (Tensor)groups[traced.InputLeaves[k].Group].Flatten()[traced.InputLeaves[k].Path];
                foreach (var created in traced.Hook.Created) leaves[created.Tensor.Variable] = trace.AddConstant(created.Value);
                var outs = Inlining.Run(trace, program, v => leaves[v]);
                var flat = new Dictionary<string, object>();
                foreach (var (path, value) in traced.OutGroups[0].Flatten()) flat[path] = value;
                for (int k = 0; k < traced.OutputLeaves.Count; k++) flat[traced.OutputLeaves[k].Path] = outs[1 + k];
                results.Add((outs[0], flat));
            }
            if (drawn) (scope.Hook as IRngHook)?.OnKeyDrawn();
            var y = Select(results.Select(r => (object)r.Y).ToList(), taken, "output");
            var keys = results[0].Leaves.Keys.ToList();
            if (results.Any(r => r.Leaves.Count != keys.Count || keys.Any(k => !r.Leaves.ContainsKey(k))))
                throw new LiftException($"{name} branches must write the same variables, got {string.Join(" vs ", results.Select(r => "(" + string.Join(", ", r.Leaves.Keys.Order()) + ")"))}.");
            var merged = VariableDict.Unflatten(keys.Select(k => KeyValuePair.Create(k, Select(results.Select(r => r.Leaves[k]).ToList(), taken, k))));
            return ((Tensor)y, new[] { merged });
        }, name);
    }

    /// <summary>One value from every branch, selected; equal static values and one shared tensor stay as they are.</summary>
    private static object Select(List<object> values, Func<int, Tensor> taken, string what)
    {
        if (values.All(v => ReferenceEquals(v, values[0]) || v is not Tensor && Trees.LeafEquals(v, values[0]))) return values[0];
        var tensors = values.Select(v => v switch
        {
            Tensor t => t,
            NDArray a => (Tensor)a,
            int i => NDArray.Scalar(i),
            float f => NDArray.Scalar(f),
            double d => NDArray.Scalar((float)d),
            _ => throw new LiftException($"branches give different values for \"{what}\" that are not arrays or numbers: {string.Join(", ", values)}."),
        }).ToList();
        if (tensors.Any(t => !t.Type.Equals(tensors[0].Type)))
            throw new LiftException($"branches must give the same shape and dtype for \"{what}\", got {string.Join(", ", tensors.Select(t => t.Type))}.");
        var result = tensors[^1];
        for (int k = tensors.Count - 2; k >= 0; k--) result = Tensor.Where(taken(k), tensors[k], result);
        return result;
    }
}
