namespace Flax.Tests.Nn;

/// <summary>
/// Runs a traced scope function under <c>Init</c> or <c>Apply</c> on the IR reference evaluator (no ONNX Runtime):
/// created variables become program parameters, values written to collections become program outputs, as in the
/// traced <c>Core.Init</c>/<c>Core.Apply</c>. Inputs keep their static shapes.
/// </summary>
internal static class Evaluated
{
    /// <summary><c>init(fn)(rngs, *inputs)</c>: the output and every created variable.</summary>
    public static (NDArray Y, VariableDict Variables) Init(Func<Scope, Tensor[], Tensor> fn, Rngs rngs, params NDArray[] inputs)
    {
        var (y, variables) = Run(fn, null, rngs, null, inputs);
        return (y, variables!);
    }

    /// <summary><c>apply(fn, mutable)(variables, *inputs, rngs)</c>: the output and, with a mutable filter, the mutable
    /// collections.</summary>
    public static (NDArray Y, VariableDict? Mutated) Apply(Func<Scope, Tensor[], Tensor> fn, VariableDict variables,
        Rngs? rngs, Filter? mutable, params NDArray[] inputs) =>
        Run(fn, variables, rngs, mutable, inputs);

    private static (NDArray Y, VariableDict? Variables) Run(Func<Scope, Tensor[], Tensor> fn, VariableDict? variables,
        Rngs? rngs, Filter? mutable, NDArray[] inputs)
    {
        using var trace = new TraceContext();
        var xs = inputs.Select(x => trace.AddInput(new TensorSpec(x.DType, x.Shape))).ToArray();
        var hook = new Hook(trace);
        var values = new Dictionary<string, NDArray>();
        var parameters = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        Tensor y;
        VariableDict? result;
        if (variables is null)
            (y, result) = Core.InitCore(root => fn(root, xs), rngs!, mutable, null, hook);
        else
        {
            var flat = variables.Flatten().Select(leaf =>
            {
                if (leaf.Value is not NDArray array) return leaf;
                var tensor = trace.AddParameter(leaf.Key, array.Shape, array.DType);
                (values[leaf.Key], parameters[tensor]) = (array, leaf.Key);
                return KeyValuePair.Create(leaf.Key, (object)tensor);
            });
            (y, result) = Core.ApplyCore(root => fn(root, xs), VariableDict.Unflatten(flat.ToList()), rngs, mutable, null, hook);
        }
        foreach (var (path, (tensor, array)) in hook.Created) (values[path], parameters[tensor]) = (array, path);

        trace.AddOutput("y", y);
        var computed = result?.Flatten().Where(l => l.Value is Tensor t && !parameters.ContainsKey(t)).ToList() ?? [];
        foreach (var (path, value) in computed) trace.AddOutput(path, (Tensor)value);
        var outputs = Evaluator.Run(trace.Finish(), inputs, values);
        var byPath = computed.Select((leaf, i) => (leaf.Key, outputs[i + 1])).ToDictionary();
        var leaves = result?.Flatten().Select(l => KeyValuePair.Create(l.Key, l.Value switch
        {
            Tensor t when parameters.TryGetValue(t, out var path) => values[path],
            Tensor => byPath[l.Key],
            var other => other,
        }));
        return (outputs[0], leaves is null ? null : VariableDict.Unflatten(leaves.ToList()));
    }

    /// <summary>Turns each created array into a program parameter named by its path.</summary>
    private sealed class Hook(TraceContext trace) : IVariableHook
    {
        public Dictionary<string, (Tensor, NDArray)> Created { get; } = [];

        public object OnCreate(string collection, IReadOnlyList<string> path, string name, object value)
        {
            if (value is not NDArray array) return value;
            var full = string.Join('/', [collection, .. path, name]);
            var tensor = trace.AddParameter(full, array.Shape, array.DType);
            Created[full] = (tensor, array);
            return tensor;
        }
    }
}
