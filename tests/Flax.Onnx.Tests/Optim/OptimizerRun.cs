namespace Flax.Tests.Optim;

/// <summary>
/// Runs optimizer updates as traced programs on the reference evaluator (float64 unless the parameters say
/// otherwise), one program per step, with every parameter, state and gradient leaf a program parameter.
/// </summary>
internal static class OptimizerRun
{
    /// <summary>Two parameter leaves, <c>Dense_0/kernel (3, 2)</c> and <c>Dense_0/bias (2,)</c>, random.</summary>
    internal static VariableDict Parameters(System.Random random, DType dtype = DType.Float64) => VariableDict.Unflatten([
        KeyValuePair.Create("Dense_0/kernel", (object)Draw(random, dtype, 3, 2)),
        KeyValuePair.Create("Dense_0/bias", (object)Draw(random, dtype, 2)),
    ]);

    /// <summary>Random gradients shaped like <paramref name="parameters"/>.</summary>
    internal static VariableDict Gradients(System.Random random, VariableDict parameters) =>
        VariableDict.Unflatten(parameters.Flatten().Select(kv =>
            KeyValuePair.Create(kv.Key, (object)Draw(random, ((NDArray)kv.Value).DType, ((NDArray)kv.Value).Shape))));

    private static NDArray Draw(System.Random random, DType dtype, params int[] shape)
    {
        var values = Enumerable.Range(0, (int)NDArray.CheckedSize(shape)).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        return dtype == DType.Float64 ? NDArray.From(values, shape) : NDArray.From(values.Select(v => (float)v).ToArray(), shape);
    }

    /// <summary>One <c>update</c> plus <c>apply_updates</c>: the new parameters and state.</summary>
    internal static (VariableDict Parameters, VariableDict State) Step(Optimizer optimizer, VariableDict parameters, VariableDict state, VariableDict grads)
    {
        Program program;
        var values = new Dictionary<string, NDArray>();
        using (var trace = new TraceContext())
        {
            VariableDict Feed(string prefix, VariableDict tree) => VariableDict.Unflatten(tree.Flatten().Select(kv =>
            {
                var array = (NDArray)kv.Value;
                values[$"{prefix}/{kv.Key}"] = array;
                return KeyValuePair.Create(kv.Key, (object)trace.AddParameter($"{prefix}/{kv.Key}", array.Shape, array.DType));
            }));
            var p = Feed("p", parameters);
            var (updates, newState) = optimizer.Update(Feed("g", grads), Feed("s", state), p);
            foreach (var (path, leaf) in Optimizers.ApplyUpdates(p, updates).Flatten()) trace.AddOutput($"p/{path}", (Tensor)leaf);
            foreach (var (path, leaf) in newState.Flatten()) trace.AddOutput($"s/{path}", (Tensor)leaf);
            program = trace.Finish();
        }
        var outputs = Evaluator.Run(program, [], values);
        VariableDict Read(string prefix) => VariableDict.Unflatten(program.Outputs.Select((o, i) => (o, i))
            .Where(e => e.o.Name.StartsWith(prefix + "/", StringComparison.Ordinal))
            .Select(e => KeyValuePair.Create(e.o.Name[(prefix.Length + 1)..], (object)outputs[e.i])));
        return (Read("p"), Read("s"));
    }

    /// <summary>The leaves of <paramref name="tree"/> as doubles, by flattened path.</summary>
    internal static Dictionary<string, double[]> Doubles(VariableDict tree) => tree.Flatten().ToDictionary(kv => kv.Key, kv =>
    {
        var array = (NDArray)kv.Value;
        return array.DType == DType.Float64 ? array.ToArray<double>() : array.ToArray<float>().Select(v => (double)v).ToArray();
    });

    /// <summary>Asserts <c>|actual - expected| &lt;= tolerance * (1 + |expected|)</c> leaf by leaf.</summary>
    internal static void AssertClose(Dictionary<string, double[]> expected, VariableDict actual, double tolerance)
    {
        var values = Doubles(actual);
        CollectionAssert.AreEquivalent(expected.Keys.ToArray(), values.Keys.ToArray());
        foreach (var (path, e) in expected)
            for (int i = 0; i < e.Length; i++)
                Assert.IsTrue(Math.Abs(values[path][i] - e[i]) <= tolerance * (1 + Math.Abs(e[i])),
                    $"{path}[{i}]: expected {e[i]}, got {values[path][i]}");
    }
}
