using Flax.Tests.Tracing;

namespace Flax.Tests.Ir;

/// <summary>
/// The evaluator's element-wise, reduction, shape and indexing rules against values computed directly here.
/// Tolerance: atol 1e-5, rtol 1e-5 on float32 outputs unless stated.
/// </summary>
[TestClass]
public sealed class EvaluatorTests
{
    [TestMethod]
    public void BroadcastingFollowsNumPy()
    {
        var random = new System.Random(10);
        float[] a = Traced.Uniform(random, 2 * 1 * 3), b = Traced.Uniform(random, 4 * 1);
        var y = Traced.Run(t => t[0] * t[1] - 0.5f, NDArray.From(a, 2, 1, 3), NDArray.From(b, 4, 1));
        var expected = new double[2 * 4 * 3];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 3; k++) expected[(i * 4 + j) * 3 + k] = (float)(a[i * 3 + k] * b[j]) - 0.5;
        CollectionAssert.AreEqual(new[] { 2, 4, 3 }, y.Shape);
        Traced.AssertClose(expected, y);
    }

    [TestMethod]
    public void ReductionsWithAxesAndKeepDims()
    {
        var random = new System.Random(11);
        float[] x = Traced.Uniform(random, 2 * 3 * 4);
        var input = NDArray.From(x, 2, 3, 4);
        double At(int i, int j, int k) => x[(i * 3 + j) * 4 + k];
        var sum = new double[2 * 4]; var max = new double[2 * 4]; var mean = new double[2 * 4]; var variance = new double[2 * 4];
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 4; k++)
            {
                var column = Enumerable.Range(0, 3).Select(j => At(i, j, k)).ToArray();
                sum[i * 4 + k] = column.Sum();
                max[i * 4 + k] = column.Max();
                mean[i * 4 + k] = column.Average();
                variance[i * 4 + k] = column.Select(v => (v - column.Average()) * (v - column.Average())).Average();
            }
        Traced.AssertClose(sum, Traced.Run(t => t[0].Sum(1), input));
        Traced.AssertClose(max, Traced.Run(t => t[0].Max(-2), input));
        Traced.AssertClose(mean, Traced.Run(t => t[0].Mean(1), input));
        Traced.AssertClose(variance, Traced.Run(t => t[0].Var(1), input));
        var kept = Traced.Run(t => t[0].Min([0, 2], keepDims: true), input);
        CollectionAssert.AreEqual(new[] { 1, 3, 1 }, kept.Shape);
        Traced.AssertClose([.. Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 8).Min(ik => At(ik / 4, j, ik % 4)))], kept);
        Assert.AreEqual(x.Sum(v => (double)v), Traced.Run(t => t[0].Sum(), input).Item<float>(), 1e-5);
    }

    [TestMethod]
    public void MeanOverTheDynamicBatchAxisCountsRowsAtRunTime()
    {
        var program = Traced.Trace(t => t[0].Mean(0), new TensorSpec(DType.Float32, -1, 2));
        var x = NDArray.From(new[] { 1f, 10f, 2f, 20f, 6f, 60f }, 3, 2);
        var y = Evaluator.Run(program, [x], new Dictionary<string, NDArray>())[0];
        Traced.AssertClose([3, 30], y);
    }

    [TestMethod]
    public void SoftmaxFamily()
    {
        var x = new float[] { 1, 2, 3, -1, 0, 1000 };
        var input = NDArray.From(x, 2, 3);
        var expectedSoftmax = new double[6];
        var expectedLogSoftmax = new double[6];
        var expectedLse = new double[2];
        for (int r = 0; r < 2; r++)
        {
            var row = x.Skip(3 * r).Take(3).Select(v => (double)v).ToArray();
            double m = row.Max(), lse = m + Math.Log(row.Sum(v => Math.Exp(v - m)));
            expectedLse[r] = lse;
            for (int i = 0; i < 3; i++) (expectedSoftmax[3 * r + i], expectedLogSoftmax[3 * r + i]) = (Math.Exp(row[i] - lse), row[i] - lse);
        }
        Traced.AssertClose(expectedSoftmax, Traced.Run(t => t[0].Softmax(), input));
        Traced.AssertClose(expectedLogSoftmax, Traced.Run(t => t[0].LogSoftmax(), input));
        Traced.AssertClose(expectedLse, Traced.Run(t => t[0].LogSumExp(1), input));
    }

    [TestMethod]
    public void LogSumExpOfAllMinusInfinityIsMinusInfinity()
    {
        var y = Traced.Run(t => t[0].LogSumExp(), NDArray.From(new[] { float.NegativeInfinity, float.NegativeInfinity }, 2));
        Assert.AreEqual(float.NegativeInfinity, y.Item<float>());
    }

    [TestMethod]
    public void UnaryFunctions()
    {
        var x = new float[] { -3f, -0.5f, 1e-6f, 0.5f, 1f, 2f };
        var input = NDArray.From(x, 6);
        // erf reference values (Abramowitz and Stegun, table 7.1, and its symmetry).
        Traced.AssertClose([-0.9999779095030014, -0.5204998778130465, 1.1283791670955126e-6, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527],
            Traced.Run(t => t[0].Erf(), input), atol: 1e-7, rtol: 1e-6);
        Traced.AssertClose([.. x.Select(v => 1 / (1 + Math.Exp(-v)))], Traced.Run(t => t[0].Sigmoid(), input));
        Traced.AssertClose([.. x.Select(v => Math.Tanh(v))], Traced.Run(t => t[0].Tanh(), input));
        Traced.AssertClose([.. x.Select(v => Math.Log(1 + (double)v))], Traced.Run(t => t[0].Log1p(), input), atol: 0, rtol: 1e-6);
        Traced.AssertClose([.. x.Select(v => Math.Abs(v) * Math.Abs(v))], Traced.Run(t => Tensor.Pow(t[0].Abs(), 2), input));
        Traced.AssertClose([.. x.Select(v => 1 / Math.Sqrt(Math.Abs(v)))], Traced.Run(t => t[0].Abs().Rsqrt(), input));
        Traced.AssertClose([.. x.Select(v => Math.Max(v, 0.5))], Traced.Run(t => Tensor.Maximum(t[0], 0.5), input));
    }

    [TestMethod]
    public void WhereAndComparisons()
    {
        var input = NDArray.From(new[] { -2f, 0f, 3f, 5f }, 4);
        var y = Traced.Run(t => Tensor.Where((t[0] > 0) & (t[0] < 4), t[0] * 10, -1.0), input);
        Traced.AssertClose([-1, -1, 30, -1], y);
    }

    [TestMethod]
    public void CastTruncatesTowardZero()
    {
        var y = Traced.Run(t => t[0].Cast(DType.Int32), NDArray.From(new[] { -1.7f, -0.2f, 0.9f, 2.5f }, 4));
        CollectionAssert.AreEqual(new[] { -1, 0, 0, 2 }, y.ToArray<int>());
    }

    [TestMethod]
    public void TakeAndTakeAlongAxisWithNegativeIndices()
    {
        var table = NDArray.From(Enumerable.Range(0, 12).Select(v => (float)v).ToArray(), 4, 3);
        var ids = NDArray.From(new[] { 2, -1, 0, 2 }, 2, 2);
        var taken = Traced.Run(t => t[0].Take(t[1], 0), table, ids);
        CollectionAssert.AreEqual(new[] { 2, 2, 3 }, taken.Shape);
        Traced.AssertClose([6, 7, 8, 9, 10, 11, 0, 1, 2, 6, 7, 8], taken);

        var picks = NDArray.From(new long[] { 2, 0, -1, 1 }, 4, 1);
        var along = Traced.Run(t => t[0].TakeAlongAxis(t[1], 1), table, picks);
        CollectionAssert.AreEqual(new[] { 4, 1 }, along.Shape);
        Traced.AssertClose([2, 3, 8, 10], along);
    }

    [TestMethod]
    public void OneHot()
    {
        var y = Traced.Run(t => t[0].OneHot(3), NDArray.From(new[] { 0, 2, 5, -1 }, 4));
        CollectionAssert.AreEqual(new[] { 4, 3 }, y.Shape);
        Traced.AssertClose([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], y);
    }

    [TestMethod]
    public void ShapeOperations()
    {
        var x = NDArray.From(Enumerable.Range(0, 6).Select(v => (float)v).ToArray(), 2, 3);
        Traced.AssertClose([0, 3, 1, 4, 2, 5], Traced.Run(t => t[0].Transpose(), x));
        Traced.AssertClose([1, 2, 4, 5], Traced.Run(t => t[0].Slice([0, 1], [2, 3]), x));
        Traced.AssertClose([0, 2, 3, 5], Traced.Run(t => t[0].SliceInDim(0, 3, stride: 2, axis: 1), x));
        Traced.AssertClose([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5], Traced.Run(t => Tensor.Concat([t[0], t[0]], 1), x));
        Traced.AssertClose([3, 4, 5], Traced.Run(t => t[0].Split(2)[1].Squeeze(0), x));
        Traced.AssertClose([9, 9, 9, 9, 0, 1, 2, 9, 3, 4, 5, 9], Traced.Run(t => t[0].Pad([(1, 0), (0, 1)], 9), x));
        var broadcast = Traced.Run(t => t[0].Reshape(2, 1, 3).BroadcastTo(2, 2, 3), x);
        CollectionAssert.AreEqual(new[] { 2, 2, 3 }, broadcast.Shape);
        Traced.AssertClose([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5], broadcast);
        CollectionAssert.AreEqual(new[] { 3, 1, 2 }, Traced.Run(t => t[0].Reshape(3, -1).ExpandDims(1), x).Shape);
    }

    [TestMethod]
    public void IntegerArithmeticAndTrueDivision()
    {
        var a = NDArray.From(new[] { 7, -7, 9 }, 3);
        var b = NDArray.From(new[] { 2, 2, 3 }, 3);
        CollectionAssert.AreEqual(new[] { 9, -5, 12 }, Traced.Run(t => t[0] + t[1], a, b).ToArray<int>());
        var big = NDArray.From(new[] { 123456789, -987654321 }, 2);
        CollectionAssert.AreEqual(new[] { unchecked(123456789 * 123456789), unchecked(-987654321 * -987654321) },
            Traced.Run(t => t[0] * t[0], big).ToArray<int>());
        Traced.AssertClose([3.5, -3.5, 3], Traced.Run(t => t[0] / t[1], a, b));
        Traced.AssertClose([3.5, -3.5, 4.5], Traced.Run(t => t[0] * 0.5, a));
    }
}
