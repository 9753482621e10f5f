using Flax.Tests.Lowering;

namespace Flax.Tests.Ir;

/// <summary>Pool-mask folding: the ReLU before a max pooling runs on the pooled values, its gradient mask moves onto the
/// pooled cotangent, and the lowered gradient equals the reference evaluator's on the unfolded program exactly, ties
/// and zeros included.</summary>
[TestClass]
public sealed class PoolMaskFoldingTests
{
    private static Program Gradient(Func<Tensor, Tensor> f, params int[] shape)
    {
        Tensor Model(Scope scope, Tensor x)
        {
            var (output, backward) = Core.Vjp((s, xs) => f(xs[0]), scope, [x]);
            return backward(output * output + 1).Item2[0];
        }
        return CommonSubexpressions.Simplify(Core.MakeProgram(Model, VariableDict.Empty, new TensorSpec(DType.Float32, shape)));
    }

    /// <summary>Values with many ties: windows of zeros and negatives, of equal positives, of -0 and 0.</summary>
    private static NDArray Ties(int seed, params int[] shape)
    {
        var random = new System.Random(seed);
        float[] pool = [-1f, -0f, 0f, 0.5f, 0.5f, 2f, -3f];
        return NDArray.From(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => pool[random.Next(pool.Length)]).ToArray(), shape);
    }

    [TestMethod]
    public void ReluMaskMovesOntoThePooledCotangent()
    {
        var program = Gradient(x => Flax.Nn.MaxPool(Flax.Nn.Relu(x), [2, 2], [2, 2]), 3, 4, 6, 5);

        var folded = ProgramChecker.Check(PoolMaskFolding.Fold(program));

        var full = program.Eqns.Where(e => e.Outputs[0].Type.Dims.SequenceEqual([3, 4, 6, 5])).Select(e => e.Primitive.Name());
        var left = folded.Eqns.Where(e => e.Outputs[0].Type.Dims.SequenceEqual([3, 4, 6, 5])).Select(e => e.Primitive.Name());
        Assert.AreEqual("le, select, select_and_scatter_add, select", string.Join(", ", full));
        Assert.AreEqual("select_and_scatter_add", string.Join(", ", left), folded.ToString());
        Assert.AreEqual(1, folded.Eqns.Count(e => e.Primitive == Primitive.ReduceWindowMax), "the forward pooling is reused");
        Assert.AreSame(folded.Inputs[0], folded.Eqns.Single(e => e.Primitive == Primitive.ReduceWindowMax).Inputs[0],
            "the pooling reads x, and the ReLU runs on its result");
        for (int seed = 0; seed < 3; seed++)
            ReferenceCheck.AssertMatches(program, [Ties(seed, 3, 4, 6, 5)], atol: 0, rtol: 0);
    }

    [TestMethod]
    public void OverlappingPaddedWindowsStayExact()
    {
        var program = Gradient(x => Flax.Nn.MaxPool(Flax.Nn.Relu(x), [3, 3], [2, 2], Padding.Same), 2, 7, 5, 3);

        Assert.AreNotSame(program, PoolMaskFolding.Fold(program));
        for (int seed = 0; seed < 3; seed++)
            ReferenceCheck.AssertMatches(program, [Ties(seed, 2, 7, 5, 3)], atol: 0, rtol: 0);
    }

    /// <summary>Padding as wide as a window (<c>lax.reduce_window</c>'s, which <c>Nn.MaxPool</c> pads beforehand), or
    /// padding around an empty axis, leaves windows without an element of x, whose maximum is -inf: the ReLU stays before
    /// the pooling (relu(-inf) would be 0), the forward values and the gradient stay the evaluator's, and the gradient
    /// mask still moves.</summary>
    [TestMethod]
    [DataRow(4, 2, 0, 2)]
    [DataRow(0, 1, 1, 0)]
    public void WindowsInThePaddingKeepTheReluBeforeThePooling(int rows, int low, int high, int right)
    {
        Tensor Pool(Tensor x) => Flax.Nn.Relu(x).ReduceWindowMax([1, 2, 2, 1], [1, 2, 2, 1], Padding.Explicit((0, 0), (low, high), (0, right), (0, 0)));
        var forward = CommonSubexpressions.Simplify(Core.MakeProgram((Scope _, Tensor x) => Pool(x), VariableDict.Empty, new TensorSpec(DType.Float32, 2, rows, 4, 3)));
        var gradient = Gradient(Pool, 2, rows, 4, 3);
        var parameters = new Dictionary<string, NDArray>();
        foreach (var program in new[] { forward, gradient })
        {
            var folded = ProgramChecker.Check(PoolMaskFolding.Fold(program));
            Assert.IsTrue(folded.Eqns.Where(e => e.Primitive == Primitive.ReduceWindowMax).All(e => !ReferenceEquals(e.Inputs[0], folded.Inputs[0])),
                folded.ToString());
            for (int seed = 0; seed < 3; seed++)
            {
                var x = Ties(seed, 2, rows, 4, 3);
                CollectionAssert.AreEqual(Evaluator.Run(program, [x], parameters)[0].ToArray<float>(), Evaluator.Run(folded, [x], parameters)[0].ToArray<float>());
            }
        }
        Assert.AreNotSame(gradient, PoolMaskFolding.Fold(gradient), "the gradient mask moves");
    }

    [TestMethod]
    public void OnlyAReluThatStopsTheGradientAtZeroFolds()
    {
        Program[] kept =
        [
            Gradient(x => Flax.Nn.MaxPool(Tensor.Where(x < 0.0, 0.0, x), [2, 2], [2, 2]), 2, 4, 4, 3),   // passes the gradient at 0
            Gradient(x => Flax.Nn.MaxPool(Tensor.Where(x <= 0.0, 1.0, x), [2, 2], [2, 2]), 2, 4, 4, 3),  // clamps to 1
            Gradient(x => Flax.Nn.MaxPool(Tensor.Where(x <= 0.0, 0.0, x * 2), [2, 2], [2, 2]), 2, 4, 4, 3), // not the compared value
            Gradient(x => Flax.Nn.AvgPool(Flax.Nn.Relu(x), [2, 2], [2, 2]), 2, 4, 4, 3),                 // no select_and_scatter_add
        ];
        foreach (var program in kept)
            Assert.AreSame(program, PoolMaskFolding.Fold(program), program.ToString());
        ReferenceCheck.AssertMatches(kept[0], [Ties(7, 2, 4, 4, 3)], atol: 0, rtol: 0);
    }
}
