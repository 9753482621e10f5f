namespace Flax.Tests.Nn.Reference;

/// <summary>Reproducible random test inputs (System.Random, seeded per call: no shared state between tests).</summary>
internal static class TestData
{
    /// <summary>A float32 array of standard-normal values (Box-Muller over a seeded System.Random).</summary>
    public static NDArray Normal(int seed, params int[] shape)
    {
        var random = new System.Random(seed);
        var data = new float[Grid.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            data[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
        return NDArray.From(data, shape);
    }

    /// <summary>An int32 array of uniform values in [0, <paramref name="bound"/>).</summary>
    public static NDArray Indices(int seed, int bound, params int[] shape)
    {
        var random = new System.Random(seed);
        var data = new int[Grid.Size(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = random.Next(bound);
        return NDArray.From(data, shape);
    }

    /// <summary>
    /// Asserts that two float32 arrays have the same shape and agree element-wise within
    /// <c>|a - e| &lt;= atol + rtol * |e|</c>, naming the first offending element.
    /// </summary>
    public static void AssertClose(NDArray expected, NDArray actual, double atol = 1e-5, double rtol = 1e-5)
    {
        CollectionAssert.AreEqual(expected.Shape, actual.Shape, $"shape {Shapes.Format(actual.Shape)} != {Shapes.Format(expected.Shape)}");
        var e = expected.ToArray<float>();
        var a = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = float.IsNegativeInfinity(e[i]) ? float.IsNegativeInfinity(a[i]) : Math.Abs(a[i] - e[i]) <= atol + rtol * Math.Abs(e[i]);
            if (!ok) Assert.Fail($"element {i}: expected {e[i]:R}, got {a[i]:R} (atol {atol}, rtol {rtol})");
        }
    }
}
