namespace Flax.Tests.Autodiff;

/// <summary><see cref="Core.Vjp"/> and <see cref="Core.ValueAndGrad(Func{Scope, Tensor}, Scope, Filter?)"/> inside traced
/// models, run on ONNX Runtime (CPU).</summary>
[TestClass]
public sealed class CoreVjpTests
{
    private static NDArray F32(params float[] values) => NDArray.From(values, values.Length);

    private static float[] Leaf(VariableDict tree, string path) => ((NDArray)tree.Flatten()[path]).ToArray<float>();

    /// <summary>core_lift_test's <c>test_vjp</c>: <c>g = p * x * y</c>, <c>p = param('test', constant(0.5), ())</c>; the vjp
    /// of ones gives <c>{'params': {'test': 32.0}}</c>, <c>[2, 2.5, 3]</c> and <c>[0.5, 1, 1.5]</c>.</summary>
    [TestMethod]
    public void Vjp()
    {
        static Tensor G(Scope scope, Tensor x, Tensor y)
        {
            var (output, backward) = Core.Vjp((s, xs) => s.Param<Tensor>("test", Initializers.Constant(0.5), []) * xs[0] * xs[1], scope, [x, y]);
            var (paramsGrad, inputGrads) = backward(output * 0 + 1);
            scope.PutVariable("grads", "variables", paramsGrad);
            scope.PutVariable("grads", "x", inputGrads[0]);
            scope.PutVariable("grads", "y", inputGrads[1]);
            return output;
        }
        var variables = VariableDict.Unflatten([KeyValuePair.Create("params/test", (object)NDArray.Scalar(0.5f))]);
        var (y, mutated) = Core.Apply(G, "grads", device: Device.Cpu)(variables, F32(1, 2, 3), F32(4, 5, 6));
        CollectionAssert.AreEqual(new[] { 2f, 5, 9 }, y.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 32f }, Leaf(mutated, "grads/variables/params/test"));
        CollectionAssert.AreEqual(new[] { 2f, 2.5f, 3 }, Leaf(mutated, "grads/x"));
        CollectionAssert.AreEqual(new[] { 0.5f, 1, 1.5f }, Leaf(mutated, "grads/y"));
    }

    /// <summary>
    /// A dense regression loss with an auxiliary output and a <c>batch_stats</c> write: the gradients match the closed
    /// forms <c>dW = 2/(N J) x^T r</c>, <c>db = 2/(N J) sum_n r</c> with <c>r = x W + b - t</c> (host, float64) within
    /// 1e-5, the auxiliary value passes through, and the mutated <c>batch_stats</c> come out.
    /// </summary>
    [TestMethod]
    public void ValueAndGradOfARegressionLoss()
    {
        static Tensor Step(Scope scope, Tensor x, Tensor t)
        {
            var (loss, aux, grads) = Core.ValueAndGrad(s =>
            {
                var kernel = s.Param<Tensor>("kernel", Initializers.Zeros, [3, 2]);
                var bias = s.Param<Tensor>("bias", Initializers.Zeros, [2]);
                s.PutVariable("batch_stats", "mean", x.Mean(0));
                var r = Tensor.MatMul(x, kernel) + bias - t;
                return ((r * r).Mean(), r.Sum());
            }, scope);
            scope.PutVariable("grads", "all", grads);
            scope.PutVariable("grads", "aux", aux);
            return loss;
        }
        var kernel = new[] { 0.5f, -1, 2, 0.25f, -0.75f, 1 };
        var bias = new[] { 0.1f, -0.2f };
        var variables = VariableDict.Unflatten([
            KeyValuePair.Create("params/kernel", (object)NDArray.From(kernel, 3, 2)),
            KeyValuePair.Create("params/bias", (object)NDArray.From(bias, 2)),
            KeyValuePair.Create("batch_stats/mean", (object)NDArray.Zeros(DType.Float32, 3)),
        ]);
        var x = new[] { 1f, 2, 3, -1, 0.5f, 2, 0, -2, 1, 4, 1, -3 };
        var t = new[] { 1f, 0, -1, 2, 0.5f, 0.5f, 3, -2 };
        var (loss, mutated) = Core.Apply(Step, Filter.Of("grads", "batch_stats"), device: Device.Cpu)(
            variables, NDArray.From(x, 4, 3), NDArray.From(t, 4, 2));

        double[] r = new double[8], dW = new double[6], db = new double[2], mean = new double[3];
        double expectedLoss = 0, sum = 0;
        for (int n = 0; n < 4; n++)
            for (int j = 0; j < 2; j++)
            {
                double v = bias[j] - t[n * 2 + j];
                for (int i = 0; i < 3; i++) v += x[n * 3 + i] * kernel[i * 2 + j];
                (r[n * 2 + j], expectedLoss, sum) = (v, expectedLoss + v * v / 8, sum + v);
            }
        for (int n = 0; n < 4; n++)
            for (int j = 0; j < 2; j++)
            {
                db[j] += 2 * r[n * 2 + j] / 8;
                for (int i = 0; i < 3; i++) dW[i * 2 + j] += 2 * x[n * 3 + i] * r[n * 2 + j] / 8;
            }
        for (int i = 0; i < 3; i++) mean[i] = Enumerable.Range(0, 4).Average(n => x[n * 3 + i]);

        Tracing.Traced.AssertClose([expectedLoss], loss);
        Tracing.Traced.AssertClose(dW, (NDArray)mutated.Flatten()["grads/all/params/kernel"]);
        Tracing.Traced.AssertClose(db, (NDArray)mutated.Flatten()["grads/all/params/bias"]);
        Tracing.Traced.AssertClose([sum], (NDArray)mutated.Flatten()["grads/aux"]);
        Tracing.Traced.AssertClose(mean, (NDArray)mutated.Flatten()["batch_stats/mean"]);
        Assert.IsFalse(mutated.Flatten().ContainsKey("grads/all/batch_stats/mean"), "batch_stats is not differentiated");
    }

    [TestMethod]
    public void OutsideATrace()
    {
        var scope = Core.Bind(VariableDict.Empty);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Core.ValueAndGrad(_ => null!, scope));
        Assert.AreEqual("Core.Vjp and Core.ValueAndGrad differentiate traced functions: call them inside a function given to Core.Init, Core.Apply or Core.Export.", e.Message);
    }

    [TestMethod]
    public void NonScalarLoss()
    {
        static Tensor Step(Scope scope, Tensor x) => Core.ValueAndGrad(_ => x * 2, scope).Value;
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Apply(Step, device: Device.Cpu)(VariableDict.Empty, F32(1, 2)));
        Assert.AreEqual("Gradient only defined for scalar-output functions. Output had shape: (2,). (Parameter 'fn')", e.Message);
    }

    [TestMethod]
    public void IntegerVariable()
    {
        static Tensor Step(Scope scope, Tensor x) => Core.ValueAndGrad(_ => x.Sum(), scope).Value;
        var variables = VariableDict.Unflatten([KeyValuePair.Create("params/count", (object)NDArray.From([1], 1))]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Apply(Step, device: Device.Cpu)(variables, F32(1, 2)));
        Assert.AreEqual("grad requires real-valued inputs (input dtype that is a sub-dtype of np.inexact), but got int32 for 'params/count'.", e.Message);
    }

    [TestMethod]
    public void CotangentOfAnotherType()
    {
        static Tensor Step(Scope scope, Tensor x)
        {
            var (y, backward) = Core.Vjp((_, xs) => xs[0] * 2, scope, [x]);
            backward(y.Sum());
            return y;
        }
        var e = Assert.ThrowsExactly<ArgumentException>(() => Core.Apply(Step, device: Device.Cpu)(VariableDict.Empty, F32(1, 2)));
        Assert.AreEqual("The cotangent must have the output's type f32[2], got f32[]. (Parameter 'cotangent')", e.Message);
    }
}
