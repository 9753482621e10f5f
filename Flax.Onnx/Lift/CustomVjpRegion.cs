using System.Globalization;

namespace Flax;

/// <summary>
/// One <c>custom_vjp</c> call while its rules are traced (JAX's closure conversion of <c>bwd</c>): a placeholder
/// cotangent is bound first, then the forward and backward rules append their equations to the trace. The equations
/// the cotangents depend on become a closed backward program whose inputs are the cotangent and the values they read
/// from before (the residuals), and one <see cref="Primitive.CustomVjpCall"/> equation ties it to the output. The
/// appended equations (and the placeholder) are then dropped from the trace: only the call refers to them.
/// </summary>
internal sealed class CustomVjpRegion
{
    private readonly TraceContext _trace;
    private readonly Tensor _y;
    private readonly Tensor[] _diffArgs;
    private readonly VariableDict _variables;
    private readonly List<(string Path, Tensor Value)> _leaves;
    private readonly int _start;

    /// <param name="trace">The trace.</param>
    /// <param name="y">The output of <c>fn</c>.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="nondiff">The non-differentiated positions, counting the scope as 0.</param>
    /// <param name="variables">The differentiated collections, after <c>fn</c> ran.</param>
    internal CustomVjpRegion(TraceContext trace, Tensor y, Tensor[] args, ISet<int> nondiff, VariableDict variables)
    {
        _trace = trace;
        _y = y;
        NondiffArgs = [.. args.Where((_, i) => nondiff.Contains(i + 1))];
        _diffArgs = [.. args.Where((_, i) => !nondiff.Contains(i + 1))];
        _variables = variables;
        _leaves = [.. variables.Flatten().Where(leaf => leaf.Value is Tensor).Select(leaf => (leaf.Key, (Tensor)leaf.Value))];
        _start = trace.Eqns.Count;
        Cotangent = Zeros(y.Type);
    }

    /// <summary>The arguments at <c>nondiff_argnums</c>, in order.</summary>
    internal Tensor[] NondiffArgs { get; }

    /// <summary>The placeholder for the output's cotangent that the backward rule computes with.</summary>
    internal Tensor Cotangent { get; }

    /// <summary>Checks that the forward rule's output has <c>fn</c>'s type.</summary>
    /// <exception cref="LiftException">It does not (JAX's <c>TypeError</c> text).</exception>
    internal void CheckForward(Tensor output)
    {
        _trace.Own(output);
        if (!output.Type.Equals(_y.Type))
            throw new LiftException("Custom VJP fwd rule f_fwd for function f must produce a pair (list or tuple of length two) where the first element represents the primal output (equal to the output of the custom_vjp-decorated function f) and the second element represents residuals (i.e. values stored from the forward pass for use on the backward pass), but instead the fwd rule output's first element had shapes/dtypes of:\n"
                + $"    {TypeText(output.Type)}\nwhile the custom_vjp-decorated function f had output shapes/dtypes of:\n    {TypeText(_y.Type)}");
    }

    /// <summary>Checks the backward rule's cotangents and binds the call equation.</summary>
    /// <returns>The call's output (the value of <c>fn</c>'s output).</returns>
    /// <exception cref="LiftException">The cotangents do not have the structure of the primals (JAX's <c>TypeError</c>
    /// text) or one differs in type from its primal (JAX's <c>ValueError</c> text).</exception>
    internal Tensor Bind(VariableDict variableCts, Tensor?[] inputCts)
    {
        ArgumentNullException.ThrowIfNull(variableCts, "backwardFn's VariableCotangents");
        ArgumentNullException.ThrowIfNull(inputCts, "backwardFn's InputCotangents");
        var given = variableCts.Flatten();
        if (inputCts.Length != _diffArgs.Length || given.Count != _leaves.Count || _leaves.Any(leaf => !given.ContainsKey(leaf.Path)))
            throw new LiftException("Custom VJP bwd rule must produce an output with the same container (pytree) structure as the args tuple of the primal function, and in particular must produce a tuple of length equal to the number of arguments to the primal function, "
                + $"but got bwd output structure {TreeDef(variableCts, inputCts.Select(t => t is not null))} for primal input structure {TreeDef(_variables, _diffArgs.Select(_ => true))}.");
        var primals = new List<Tensor>();
        var cts = new List<Tensor>();
        void Add(Tensor primal, object? ct, string keyPath)
        {
            var tensor = ct as Tensor ?? (ct is null ? Zeros(primal.Type) : null);
            if (tensor is not null) _trace.Own(tensor);
            if (tensor is null || !tensor.Type.Equals(primal.Type))
                throw new LiftException($"Custom VJP bwd rule must produce an output with the same type as the args tuple of the primal function, but at output{keyPath} the bwd rule produced an output of type {(tensor is null ? ct!.GetType().Name : TypeText(tensor.Type))} corresponding to an input of type {TypeText(primal.Type)}.");
            primals.Add(primal);
            cts.Add(tensor);
        }
        foreach (var (path, value) in _leaves)
            Add(value, given[path], "[0]" + string.Concat(path.Split('/').Select(k => $"['{k}']")));
        for (int i = 0; i < _diffArgs.Length; i++) Add(_diffArgs[i], inputCts[i], $"[{i + 1}]");
        var (backward, free) = Close(cts);
        _trace.Truncate(_start);
        return _trace.Bind(Primitive.CustomVjpCall, new CustomVjpParams(backward, primals.Count), [_y, .. primals, .. free]);
    }

    /// <summary>The backward program computing <paramref name="cts"/>: the appended equations they depend on, reading
    /// the placeholder and the values bound before (returned as the free values, in first-read order).</summary>
    private (Program Backward, List<Tensor> Free) Close(List<Tensor> cts)
    {
        var live = new HashSet<Var>(cts.Select(t => t.Variable));
        var kept = new List<Eqn>();
        for (int i = _trace.Eqns.Count - 1; i >= _start; i--)
        {
            var eqn = _trace.Eqns[i];
            if (!eqn.Outputs.Any(live.Contains) || eqn.Outputs[0] == Cotangent.Variable) continue;
            kept.Add(eqn);
            live.UnionWith(eqn.Inputs);
        }
        kept.Reverse();
        var bound = kept.SelectMany(e => e.Outputs).ToHashSet();
        var free = new List<Var>();
        foreach (var v in kept.SelectMany(e => e.Inputs).Concat(cts.Select(t => t.Variable)))
            if (!bound.Contains(v) && v != Cotangent.Variable && !free.Contains(v)) free.Add(v);
        var program = ProgramChecker.Check(new Program([Cotangent.Variable, .. free], [], [], [.. kept],
            [.. cts.Select((t, k) => new ProgramOutput($"ct_{k}", t.Variable))]));
        return (program, [.. free.Select(v => new Tensor(_trace, v))]);
    }

    private Tensor Zeros(TensorType type) =>
        _trace.Bind(Primitive.BroadcastInDim, new BroadcastInDimParams(type.Dims, []), _trace.AddConstant(NDArray.Zeros(type.DType)));

    /// <summary>JAX's short type text: <c>float32[4,8]</c>.</summary>
    private static string TypeText(TensorType type) =>
        $"{type.DType.Name()}[{string.Join(",", type.Dims.Select(d => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture)))}]";

    /// <summary>A <c>PyTreeDef</c> of <c>(variables, *inputs)</c>: <c>PyTreeDef(({'params': {'bias': *}}, *))</c>
    /// (dict keys sorted, a missing input cotangent as <c>None</c>).</summary>
    private static string TreeDef(VariableDict variables, IEnumerable<bool> inputs)
    {
        static string Node(object value) => value is VariableDict dict
            ? "{" + string.Join(", ", dict.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"'{kv.Key}': {Node(kv.Value)}")) + "}"
            : "*";
        var items = inputs.Select(present => present ? "*" : "None").Prepend(Node(variables)).ToList();
        return $"PyTreeDef(({string.Join(", ", items)}{(items.Count == 1 ? "," : "")}))";
    }
}
