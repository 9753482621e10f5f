namespace Flax.Tests.Runtime;

/// <summary>Small traced models for the entry-point tests, and independent host references for them.</summary>
internal static class TracedModels
{
    public static Tensor Dense(Scope scope, Tensor x, int features)
    {
        var kernel = scope.Param<Tensor>("kernel", Initializers.LecunNormal(), [x.Shape[^1], features]);
        var bias = scope.Param<Tensor>("bias", Initializers.Normal(0.1), [features]);
        return Tensor.MatMul(x, kernel) + bias;
    }

    /// <summary>An MLP 4 → 8 → 3 with a ReLU.</summary>
    public static Tensor Mlp(Scope scope, Tensor x) =>
        Dense(scope.Push("out"), Tensor.Maximum(Dense(scope.Push("hidden"), x, 8), 0.0), 3);

    /// <summary>The same parameters created on plain arrays (the scope layer without tracing).</summary>
    public static NDArray HostMlpParams(Scope scope, NDArray x)
    {
        foreach (var (name, inputs, features) in new[] { ("hidden", x.Shape[^1], 8), ("out", 8, 3) })
        {
            var child = scope.Push(name);
            child.Param<NDArray>("kernel", Initializers.LecunNormal(), [inputs, features]);
            child.Param<NDArray>("bias", Initializers.Normal(0.1), [features]);
        }
        return x;
    }

    /// <summary>The MLP's output computed in float64 on the host from its variables.</summary>
    public static double[,] HostMlp(VariableDict variables, NDArray x)
    {
        var flat = variables.Flatten();
        double[,] Layer(double[,] input, string name, bool relu)
        {
            var kernel = (NDArray)flat[$"params/{name}/kernel"];
            var bias = ((NDArray)flat[$"params/{name}/bias"]).ToArray<float>();
            int n = input.GetLength(0), k = kernel.Shape[0], m = kernel.Shape[1];
            var output = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double sum = bias[j];
                    for (int t = 0; t < k; t++) sum += input[i, t] * kernel.Get<float>(t, j);
                    output[i, j] = relu ? Math.Max(sum, 0) : sum;
                }
            return output;
        }
        var rows = new double[x.Shape[0], x.Shape[1]];
        for (int i = 0; i < rows.GetLength(0); i++)
            for (int j = 0; j < rows.GetLength(1); j++) rows[i, j] = x.Get<float>(i, j);
        return Layer(Layer(rows, "hidden", relu: true), "out", relu: false);
    }

    /// <summary>Asserts a float32 result equals a float64 reference within 1e-5 + 1e-5 * |expected|.</summary>
    public static void AssertClose(double[,] expected, NDArray actual)
    {
        CollectionAssert.AreEqual(new[] { expected.GetLength(0), expected.GetLength(1) }, actual.Shape);
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Assert.AreEqual(expected[i, j], actual.Get<float>(i, j), 1e-5 + 1e-5 * Math.Abs(expected[i, j]), $"element ({i}, {j})");
    }

    /// <summary>A new CPU model of <see cref="Mlp"/> over rows of 4 features, traced with key 0.</summary>
    public static TracedModel NewModel() =>
        new(ScopeTracer.Trace(ScopeFunction.Of(Mlp), [new TensorSpec(DType.Float32, -1, 4)], null, PrngKey.Create(0), null, null), Device.Cpu);

    /// <summary>The variables <paramref name="model"/>'s trace created.</summary>
    public static VariableDict Variables(TracedModel model) =>
        VariableDict.Unflatten(model.Traced.Created.Select(p => KeyValuePair.Create(p.Key, (object)p.Value)));

    /// <summary>Rows of a seeded uniform [-1, 1) float32 batch.</summary>
    public static NDArray Batch(int rows, int features = 4, int seed = 1)
    {
        var random = new System.Random(seed);
        return NDArray.From(Enumerable.Range(0, rows * features).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray(), rows, features);
    }

    /// <summary>The variables with every array multiplied by <paramref name="factor"/>.</summary>
    public static VariableDict Scaled(VariableDict variables, float factor) =>
        variables.Map(leaf => NDArray.From(((NDArray)leaf).ToArray<float>().Select(v => v * factor).ToArray(), ((NDArray)leaf).Shape));
}
