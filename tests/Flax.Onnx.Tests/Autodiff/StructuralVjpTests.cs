using static Flax.Tests.Autodiff.GradCheck;

namespace Flax.Tests.Autodiff;

/// <summary>Finite-difference checks of the rules of the shape-changing and indexing primitives.</summary>
[TestClass]
public sealed class StructuralVjpTests
{
    [TestMethod]
    public void Reshape()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, 3);
            var x = Uniform(rng, shape);
            int[] target = rng.Next(2) == 0 ? [shape[0] * shape[1], shape[2]] : [shape[0], shape[1] * shape[2], 1];
            Check(rng, (b, v) => b.Reshape(v[0], target), [new(x)]);
        }
    }

    [TestMethod]
    public void ReshapeWithDynamicBatch()
    {
        var rng = new System.Random(1);
        Check(rng, (b, v) => b.Reshape(v[0], [-1, 6]), [new(Uniform(rng, [2, 3, 2]), Batch: true)]);
    }

    [TestMethod]
    public void Transpose()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var x = Uniform(rng, Shape(rng, 3));
            var permutation = new[] { 0, 1, 2 }.OrderBy(_ => rng.Next()).ToArray();
            Check(rng, (b, v) => b.Emit(Primitive.Transpose, new TransposeParams([.. permutation]), v[0]), [new(x)]);
        }
    }

    [TestMethod]
    public void BroadcastInDim()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var output = Shape(rng, 3, 4);
            var x = Uniform(rng, Squeezed(rng, [output[0], output[2]]));
            Check(rng, (b, v) => b.BroadcastInDim(v[0], output, [0, 2]), [new(x)]);
        }
    }

    [TestMethod]
    public void BroadcastInDimWithDynamicBatch()
    {
        var rng = new System.Random(2);
        Check(rng, (b, v) => b.BroadcastInDim(v[0], [-1, 3, 2], [0, 2]), [new(Uniform(rng, [4, 1]), Batch: true)]);
    }

    [TestMethod]
    public void Concatenate()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, 3);
            int axis = rng.Next(1, 3);
            var parts = Enumerable.Range(0, rng.Next(1, 4)).Select(_ =>
            {
                var s = (int[])shape.Clone();
                s[axis] = rng.Next(1, 4);
                return new Arg(Uniform(rng, s), Batch: true);
            }).ToArray();
            Check(rng, (b, v) => b.Emit(Primitive.Concatenate, new AxisParams(axis), v), parts);
        }
    }

    [TestMethod]
    public void Slice()
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, 3, 6);
            var start = shape.Select(d => rng.Next(0, d)).ToArray();
            var limit = shape.Select((d, a) => rng.Next(start[a] + 1, d + 1)).ToArray();
            var strides = shape.Select(_ => rng.Next(1, 4)).ToArray();
            Check(rng, (b, v) => b.Slice(v[0], start, limit, strides), [new(Uniform(rng, shape), Batch: seed % 2 == 0)]);
        }
    }

    [TestMethod]
    public void Pad()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, 3);
            var low = new[] { 0, rng.Next(0, 3), rng.Next(0, 3) };
            var high = new[] { 0, rng.Next(0, 3), rng.Next(0, 3) };
            Check(rng, (b, v) => b.Pad(v[0], low, high, 0.75), [new(Uniform(rng, shape), Batch: true)]);
        }
    }

    [TestMethod]
    public void Take()
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, 3);
            int axis = rng.Next(0, 3), size = shape[axis];
            var indexShape = Shape(rng, rng.Next(0, 3));
            var indices = Enumerable.Range(0, (int)NDArray.CheckedSize(indexShape)).Select(_ => rng.Next(-size, size)).ToArray();
            Check(rng, (b, v) => b.Emit(Primitive.Take, new AxisParams(axis), v[0], Indices(b, indices, indexShape)),
                [new(Uniform(rng, shape))]);
        }
    }

    [TestMethod]
    public void TakeWithDynamicBatch()
    {
        var rng = new System.Random(5);
        var table = Uniform(rng, [3, 5, 2]);
        var indices = new[] { 4, -1, 0, 4, 2, -5 };
        Check(rng, (b, v) => b.Emit(Primitive.Take, new AxisParams(1), v[0], Indices(b, indices, 2, 3)), [new(table, Batch: true)]);
    }

    [TestMethod]
    public void TakeAlongAxis()
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, 3);
            int axis = rng.Next(0, 3), size = shape[axis];
            var indexShape = (int[])shape.Clone();
            indexShape[axis] = rng.Next(1, 5);
            var indices = Enumerable.Range(0, (int)NDArray.CheckedSize(indexShape)).Select(_ => rng.Next(-size, size)).ToArray();
            Check(rng, (b, v) => b.Emit(Primitive.TakeAlongAxis, new AxisParams(axis), v[0], Indices(b, indices, indexShape)),
                [new(Uniform(rng, shape))]);
        }
    }

    [TestMethod]
    public void SoftmaxCrossEntropyWithIntegerLabels()
    {
        var rng = new System.Random(9);
        var logits = Uniform(rng, [4, 5], -3, 3);
        var labels = new[] { 0, 4, 2, 2 };
        Check(rng, (b, v) =>
        {
            var x = v[0];
            var max = b.BroadcastInDim(b.Emit(Primitive.ReduceMax, new ReduceParams([1]), x), [4, 5], [0]);
            var shifted = b.Sub(x, max);
            var sum = b.ReduceSum(b.Emit(Primitive.Exp, EqnParams.None, shifted), [1]);
            var logSumExp = b.BroadcastInDim(b.Emit(Primitive.Log, EqnParams.None, sum), [4, 5], [0]);
            var logProbabilities = b.Sub(shifted, logSumExp);
            var picked = b.Emit(Primitive.TakeAlongAxis, new AxisParams(1), logProbabilities, Indices(b, labels, 4, 1));
            return b.Neg(picked);
        }, [new(logits)]);
    }
}
