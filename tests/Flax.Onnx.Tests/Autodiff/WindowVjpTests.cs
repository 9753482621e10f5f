using static Flax.Tests.Autodiff.GradCheck;

namespace Flax.Tests.Autodiff;

/// <summary>Finite-difference checks of the pooling rules (<c>reduce_window_max</c>, <c>reduce_window_sum</c>).</summary>
[TestClass]
public sealed class WindowVjpTests
{
    /// <summary>Random 2-d pools over NHWC inputs with a dynamic batch; padding stays below the window so that no
    /// window lies wholly in the padding (a max of only -inf would make the loss infinite).</summary>
    [TestMethod]
    [DataRow(Primitive.ReduceWindowMax)]
    [DataRow(Primitive.ReduceWindowSum)]
    public void Pooling(Primitive primitive)
    {
        for (int seed = 0; seed < 8; seed++)
        {
            var rng = new System.Random(seed);
            var window = Shape(rng, 2, 3);
            var strides = Shape(rng, 2, 3);
            var padding = window.Select(w => (rng.Next(0, w), rng.Next(0, w))).ToArray();
            var x = Uniform(rng, [rng.Next(1, 3), window[0] + rng.Next(0, 4), window[1] + rng.Next(0, 4), rng.Next(1, 3)]);
            var p = new ReduceWindowParams([1, .. window, 1], [1, .. strides, 1], [(0, 0), .. padding, (0, 0)]);
            Check(rng, (b, v) => b.Emit(primitive, p, v[0]), [new(x, Batch: true)]);
        }
    }

    /// <summary>Tiling windows (stride = window, no padding; the reshape-based rule), with sizes that leave a
    /// remainder outside every window.</summary>
    [TestMethod]
    [DataRow(Primitive.ReduceWindowMax)]
    [DataRow(Primitive.ReduceWindowSum)]
    public void TilingPools(Primitive primitive)
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var window = Shape(rng, 2, 3);
            var x = Uniform(rng, [rng.Next(1, 3), window[0] * rng.Next(1, 3) + rng.Next(0, 2), window[1] * rng.Next(1, 3) + rng.Next(0, 2), 2]);
            var p = new ReduceWindowParams([1, .. window, 1], [1, .. window, 1], [(0, 0), (0, 0), (0, 0), (0, 0)]);
            Check(rng, (b, v) => b.Emit(primitive, p, v[0]), [new(x, Batch: true)]);
        }
    }

    /// <summary>Max pooling's gradient (<c>select_and_scatter_add</c>) is differentiable in its source (the
    /// second-order rule gathers at each window's maximum); overlapping padded and tiling windows.</summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void MaxPoolGradient(int stride)
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var x = Uniform(rng, [2, 4, 5, 3]);
            var p = new ReduceWindowParams([1, 2, 2, 1], [1, stride, stride, 1], stride == 1 ? [(0, 0), (1, 0), (0, 1), (0, 0)] : [(0, 0), (0, 0), (0, 0), (0, 0)]);
            var pooled = ShapeInference.Infer(Primitive.ReduceWindowMax, p, [new TensorType(DType.Float64, x.Shape)]);
            var source = Uniform(rng, [.. pooled.Dims]);
            Check(rng, (b, v) => b.Emit(Primitive.SelectAndScatterAdd, p, v[0], b.Constant(x)), [new(source)]);
        }
    }

    /// <summary>A window of equal values (all zeros, as after a ReLU) sends its whole cotangent to its first element.</summary>
    [TestMethod]
    [DataRow(2)]
    [DataRow(1)]
    public void MaxPoolTieGoesToTheFirstElement(int stride)
    {
        // Stride 2 tiles (the reshape-based rule); stride 1 overlaps (the slice-based rule), where the windows at
        // columns 0, 1 and 2 choose elements 0, 1 and 2 (after the tie at 0 and 1, 5 wins).
        var p = new ReduceWindowParams([1, 2, 2, 1], [1, stride, stride, 1], [(0, 0), (0, 0), (0, 0), (0, 0)]);
        var x = NDArray.From(new double[] { 0, 0, 5, 0, 0, 0, 5, 5 }, 1, 2, 4, 1);
        var grads = ElementwiseVjpTests.ScalarGrads((b, v) => b.Emit(Primitive.ReduceWindowMax, p, v[0]), x);
        double[] expected = stride == 2 ? [1, 0, 1, 0, 0, 0, 0, 0] : [1, 0, 2, 0, 0, 0, 0, 0];
        CollectionAssert.AreEqual(expected, grads[0].ToArray<double>());
    }
}
