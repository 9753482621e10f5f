namespace Flax;

/// <summary>
/// One call of a lifted transform's body traced on its own, as a closed program (JAX's jaxpr of the body): its inputs
/// are the body's arguments, then every tensor leaf of the variable groups handed in; its parameters are the arrays
/// the body created (<see cref="LiftedHook"/>); its outputs are the body's results, then every tensor leaf of the
/// variable groups it hands out. The transform then replays the program into the outer trace its own way (batched for
/// <c>vmap</c>).
/// </summary>
internal sealed class LiftedTrace
{
    private LiftedTrace(Program program, LiftedHook hook, List<(int Group, string Path)> inputLeaves,
        VariableDict[] outGroups, List<(int Group, string Path)> outputLeaves, int results, List<Tensor> captured)
    {
        Captured = captured;
        Program = program;
        Results = results;
        Hook = hook;
        InputLeaves = inputLeaves;
        OutGroups = outGroups;
        OutputLeaves = outputLeaves;
    }

    /// <summary>The body as a program.</summary>
    public Program Program { get; }

    /// <summary>How many program outputs are the body's results (the variable leaves follow).</summary>
    public int Results { get; }

    /// <summary>The hook that saw the body's created values and keys.</summary>
    public LiftedHook Hook { get; }

    /// <summary>The variable leaf behind each program input after the arguments: its group and flattened path.</summary>
    public IReadOnlyList<(int Group, string Path)> InputLeaves { get; }

    /// <summary>The tensors of enclosing traces the body used (with <c>capture</c>), in the order of the program
    /// inputs they became, which follow the variable leaves' inputs.</summary>
    public IReadOnlyList<Tensor> Captured { get; }

    /// <summary>The variable groups the body handed out; their tensor leaves belong to the body's trace.</summary>
    public VariableDict[] OutGroups { get; }

    /// <summary>The variable leaf behind each program output after the results: its group and flattened path.</summary>
    public IReadOnlyList<(int Group, string Path)> OutputLeaves { get; }

    /// <summary>
    /// Traces <paramref name="body"/> on arguments of <paramref name="argTypes"/> and an inner scope over
    /// <paramref name="groups"/>, whose tensor leaves become inputs of the type <paramref name="innerType"/> gives
    /// (group index, outer type).
    /// </summary>
    /// <param name="argTypes">The types of the body's arguments inside.</param>
    /// <param name="groups">The variable groups, as the outer scope holds them.</param>
    /// <param name="innerType">The type a group's tensor leaf has inside.</param>
    /// <param name="scopeFn">Makes the inner scope over the inner groups, with the body trace's hook.</param>
    /// <param name="repack">Invalidates the inner scope and groups what it hands out.</param>
    /// <param name="body">The body.</param>
    /// <param name="capture">Whether the body may use tensors of enclosing traces (closure conversion): each becomes
    /// a program input after the variable leaves (<see cref="Captured"/>).</param>
    /// <exception cref="UnexpectedTensorException">The body used a tensor of the outer trace without
    /// <paramref name="capture"/> (a lifted body must take what it computes with as arguments or variables).</exception>
    internal static LiftedTrace Trace(IReadOnlyList<TensorType> argTypes, IReadOnlyList<VariableDict> groups,
        Func<int, TensorType, TensorType> innerType, Func<VariableDict[], LiftedHook, Scope> scopeFn,
        Func<Scope, VariableDict[]> repack, Func<Scope, Tensor[], Tensor[]> body, bool capture = false)
    {
        using var trace = new TraceContext();
        var captured = new List<Tensor>();
        var args = argTypes.Select(t => trace.AddInput(new TensorSpec(t.DType, t.Shape))).ToArray();
        var inputLeaves = new List<(int, string)>();
        var innerGroups = groups.Select((group, g) => VariableDict.Unflatten(group.Flatten().Select(leaf =>
        {
            if (leaf.Value is not Tensor outer) return leaf;
            inputLeaves.Add((g, leaf.Key));
            var type = innerType(g, outer.Type);
            return KeyValuePair.Create(leaf.Key, (object)trace.AddInput(new TensorSpec(type.DType, type.Shape)));
        }))).ToArray();
        if (capture)
        {
            var inner = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
            trace.Capture = outer =>
            {
                if (inner.TryGetValue(outer, out var known)) return known;
                captured.Add(outer);
                return inner[outer] = trace.AddInput(new TensorSpec(outer.DType, outer.Shape));
            };
        }
        var hook = new LiftedHook(trace);
        var scope = scopeFn(innerGroups, hook);
        var results = body(scope, args);
        var outGroups = repack(scope);
        for (int k = 0; k < results.Length; k++) trace.AddOutput($"output_{k}", results[k] ?? throw new UntracedOutputException());
        var outputLeaves = new List<(int, string)>();
        for (int g = 0; g < outGroups.Length; g++)
            foreach (var (path, value) in outGroups[g].Flatten())
                if (value is Tensor t)
                {
                    trace.AddOutput($"{g}:{path}", t);
                    outputLeaves.Add((g, path));
                }
        return new LiftedTrace(trace.Finish(), hook, inputLeaves, outGroups, outputLeaves, results.Length, captured);
    }
}
