namespace Flax.Tests.Tracing;

/// <summary>Traces test functions and runs them on the reference evaluator.</summary>
internal static class Traced
{
    /// <summary>Traces <paramref name="f"/> over inputs of <paramref name="specs"/>; its result is output <c>output_0</c>.</summary>
    public static Program Trace(Func<Tensor[], Tensor> f, params TensorSpec[] specs)
    {
        using var trace = new TraceContext();
        var inputs = specs.Select(trace.AddInput).ToArray();
        trace.AddOutput("output_0", f(inputs));
        return trace.Finish();
    }

    /// <summary>Traces <paramref name="f"/> with the inputs' static shapes and evaluates it on them.</summary>
    public static NDArray Run(Func<Tensor[], Tensor> f, params NDArray[] inputs)
    {
        var program = Trace(f, [.. inputs.Select(x => new TensorSpec(x.DType, x.Shape))]);
        return Evaluator.Run(program, inputs, new Dictionary<string, NDArray>())[0];
    }

    /// <summary>Seeded random float32 values in [-1, 1).</summary>
    public static float[] Uniform(System.Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1))];

    /// <summary>Asserts element-wise <c>|actual - expected| &lt;= atol + rtol * |expected|</c>; NaN matches only NaN and
    /// an infinity only itself.</summary>
    public static void AssertClose(double[] expected, NDArray actual, double atol = 1e-5, double rtol = 1e-5)
    {
        var values = actual.DType == DType.Float64 ? actual.ToArray<double>() : [.. actual.ToArray<float>().Select(v => (double)v)];
        Assert.HasCount(expected.Length, values);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(values[i].Equals(expected[i]) || Math.Abs(values[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"element {i}: expected {expected[i]}, got {values[i]}");
    }
}
