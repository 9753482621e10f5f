using static Flax.Tests.Autodiff.GradCheck;

namespace Flax.Tests.Autodiff;

/// <summary>Finite-difference checks of the element-wise rules (see <see cref="GradCheck"/> for the tolerance).</summary>
[TestClass]
public sealed class ElementwiseVjpTests
{
    private static NDArray Operand(System.Random rng, Primitive p, int[] shape, bool second) => (p, second) switch
    {
        (Primitive.Div, true) => AwayFromZero(rng, shape),
        (Primitive.Pow, false) => Uniform(rng, shape, 0.5, 2),
        (Primitive.Pow, true) => Uniform(rng, shape, -1.5, 1.5),
        _ => Uniform(rng, shape),
    };

    [TestMethod]
    [DataRow(Primitive.Add)]
    [DataRow(Primitive.Sub)]
    [DataRow(Primitive.Mul)]
    [DataRow(Primitive.Div)]
    [DataRow(Primitive.Pow)]
    [DataRow(Primitive.Max)]
    [DataRow(Primitive.Min)]
    public void BinaryWithBroadcasting(Primitive primitive)
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, rng.Next(1, 4));
            var x = Operand(rng, primitive, Squeezed(rng, shape), false);
            var y = Operand(rng, primitive, Squeezed(rng, shape), true);
            Check(rng, (b, v) => b.Emit(primitive, EqnParams.None, v[0], v[1]), [new(x), new(y)]);
        }
    }

    [TestMethod]
    [DataRow(Primitive.Add)]
    [DataRow(Primitive.Mul)]
    [DataRow(Primitive.Div)]
    [DataRow(Primitive.Max)]
    public void BinaryWithDynamicBatch(Primitive primitive)
    {
        var rng = new System.Random(7);
        var x = Operand(rng, primitive, [3, 1, 4], false);
        var y = Operand(rng, primitive, [1, 2, 4], true);
        Check(rng, (b, v) => b.Emit(primitive, EqnParams.None, v[0], v[1]), [new(x, Batch: true), new(y)]);
    }

    [TestMethod]
    [DataRow(Primitive.Neg, -1.0, 1.0)]
    [DataRow(Primitive.Abs, 0.2, 1.0)]
    [DataRow(Primitive.Exp, -1.0, 1.0)]
    [DataRow(Primitive.Log, 0.2, 2.0)]
    [DataRow(Primitive.Log1p, -0.5, 1.0)]
    [DataRow(Primitive.Tanh, -2.0, 2.0)]
    [DataRow(Primitive.Logistic, -3.0, 3.0)]
    [DataRow(Primitive.Sqrt, 0.2, 2.0)]
    [DataRow(Primitive.Rsqrt, 0.2, 2.0)]
    [DataRow(Primitive.Erf, -2.0, 2.0)]
    public void Unary(Primitive primitive, double low, double high)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var rng = new System.Random(seed);
            var x = Uniform(rng, Shape(rng, rng.Next(0, 3)), low, high);
            if (primitive == Primitive.Abs) x = AwayFromZero(rng, x.Shape, low, high);
            Check(rng, (b, v) => b.Emit(primitive, EqnParams.None, v[0]), [new(x, Batch: x.Rank > 0)]);
        }
    }

    [TestMethod]
    public void SignPassesNoGradient()
    {
        var rng = new System.Random(1);
        var x = Uniform(rng, [2, 3]);
        var y = AwayFromZero(rng, [2, 3]);
        Check(rng, (b, v) => b.Mul(v[0], b.Emit(Primitive.Sign, EqnParams.None, v[1])), [new(x), new(y)]);
    }

    [TestMethod]
    public void Select()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new System.Random(seed);
            var shape = Shape(rng, rng.Next(1, 4));
            var mask = Uniform(rng, Squeezed(rng, shape));
            var (x, y) = (Uniform(rng, Squeezed(rng, shape)), Uniform(rng, Squeezed(rng, shape)));
            Check(rng, (b, v) =>
            {
                var predicate = b.Emit(Primitive.Gt, EqnParams.None, b.Constant(mask), b.Scalar(0, DType.Float64, shape.Length));
                return b.Select(predicate, v[0], v[1]);
            }, [new(x), new(y)]);
        }
    }

    /// <summary>Float32 round trip: the rounding limits the finite difference, so this check uses h = 1e-2 and a
    /// relative tolerance of 1e-4 (float32 rounding contributes at most about 6e-6).</summary>
    [TestMethod]
    public void ConvertElementTypeBetweenFloats()
    {
        var rng = new System.Random(3);
        var x = Uniform(rng, [2, 3]);
        Check(rng, (b, v) => b.Convert(b.Convert(v[0], DType.Float32), DType.Float64), [new(x)], step: 1e-2, tolerance: 1e-4);
    }

    [TestMethod]
    public void ConvertElementTypeToIntegerPassesNoGradient()
    {
        var rng = new System.Random(4);
        var x = Uniform(rng, [4]);
        var y = Uniform(rng, [4], 1.2, 1.8);
        Check(rng, (b, v) => b.Mul(v[0], b.Convert(b.Convert(v[1], DType.Int32), DType.Float64)), [new(x), new(y)]);
    }

    [TestMethod]
    public void MaxAndMinSplitTiesEvenly()
    {
        var x = NDArray.From([1.0, 2, 3], 3);
        var y = NDArray.From([1.0, 0, 5], 3);
        foreach (var (primitive, dx, dy) in new[]
        {
            (Primitive.Max, new[] { 0.5, 1, 0 }, new[] { 0.5, 0, 1 }),
            (Primitive.Min, new[] { 0.5, 0, 1 }, new[] { 0.5, 1, 0 }),
        })
        {
            var grads = ScalarGrads((b, v) => b.Emit(primitive, EqnParams.None, v[0], v[1]), x, y);
            CollectionAssert.AreEqual(dx, grads[0].ToArray<double>(), primitive.Name());
            CollectionAssert.AreEqual(dy, grads[1].ToArray<double>(), primitive.Name());
        }
    }

    [TestMethod]
    public void AbsAtZeroTakesTheSlopeOfX()
    {
        var grads = ScalarGrads((b, v) => b.Emit(Primitive.Abs, EqnParams.None, v[0]), NDArray.From([0.0, -2, 3], 3));
        CollectionAssert.AreEqual(new[] { 1.0, -1, 1 }, grads[0].ToArray<double>());
    }

    /// <summary>The gradients of <c>sum(body(args))</c> with respect to each argument.</summary>
    internal static NDArray[] ScalarGrads(Func<GradBuilder, Var[], Var> body, params NDArray[] args)
    {
        var b = new GradBuilder();
        var inputs = args.Select(a => new Var(new TensorType(a.DType, a.Shape))).ToArray();
        var result = body(b, inputs);
        var loss = b.ReduceSum(result, Enumerable.Range(0, result.Type.Rank));
        var program = new Program([.. inputs], [], [.. b.Constants], [.. b.Eqns], [new ProgramOutput("loss", loss)]);
        var grads = Flax.Autodiff.ValueAndGrad(program, "loss", [], [.. Enumerable.Range(0, args.Length)]);
        return [.. Evaluator.Run(grads, args, new Dictionary<string, NDArray>()).Skip(1)];
    }
}
