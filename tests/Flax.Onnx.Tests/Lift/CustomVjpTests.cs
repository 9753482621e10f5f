namespace Flax.Tests.Lift;

/// <summary><c>Lift.CustomVjp</c>: gradients through a custom rule against host references in float64, under
/// <c>vmap</c>, with non-differentiated arguments, its graph without a gradient, and its errors with JAX's texts.</summary>
[TestClass]
public sealed class CustomVjpTests
{
    private const int B = 2, I = 3, J = 4;

    /// <summary><c>tanh(x @ w)</c> with <c>w</c> a float64 parameter <c>(3, 4)</c>.</summary>
    private static Tensor Layer(Scope scope, Tensor[] xs) =>
        Tensor.MatMul(xs[0], scope.Param<Tensor>("w", Initializers.Normal(1.0), [I, J], DType.Float64)).Tanh();

    /// <summary><see cref="Layer"/> whose backward rule passes the output cotangent through <paramref name="mapCotangent"/>
    /// before the true vjp (the identity gives the true gradient).</summary>
    private static Func<Scope, Tensor[], Tensor> WithRule(Func<Tensor, Tensor> mapCotangent) => Flax.Lift.CustomVjp(Layer,
        forwardFn: (s, xs) => Core.Vjp(Layer, s, xs),
        backwardFn: (_, vjpFn, g) => vjpFn(mapCotangent(g)));

    /// <summary>Runs <c>loss = sum(layer(x) * c)</c> and returns its gradients with respect to <c>w</c> and <c>x</c>.</summary>
    private static (double[] W, double[] X) Grads(Func<Scope, Tensor[], Tensor> layer, VariableDict variables, NDArray x, NDArray c)
    {
        Tensor WithGrads(Scope scope, Tensor input, Tensor cs)
        {
            var (loss, backward) = Core.Vjp((s, xs) => (layer(s, xs) * cs).Sum(), scope, [input]);
            var (variableGrads, inputGrads) = backward(loss * 0.0 + 1.0);
            scope.PutVariable("grads", "w", variableGrads.Flatten()["params/w"]);
            scope.PutVariable("grads", "x", inputGrads[0]);
            return loss;
        }
        var (_, mutated) = Core.Apply(WithGrads, "grads")(variables, x, c);
        var leaves = mutated.Flatten();
        return (((NDArray)leaves["grads/w"]).ToArray<double>(), ((NDArray)leaves["grads/x"]).ToArray<double>());
    }

    /// <summary>The host gradients of <c>sum(tanh(x @ w) * c)</c> where the output cotangent <c>c</c> is first mapped by
    /// <paramref name="map"/>: <c>dw = x^T (m(c) * (1 - t^2))</c>, <c>dx = (m(c) * (1 - t^2)) w^T</c>.</summary>
    private static (double[] W, double[] X) HostGrads(double[] w, double[] x, double[] c, Func<double, double> map)
    {
        var (dw, dx) = (new double[I * J], new double[B * I]);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < J; j++)
            {
                double s = 0;
                for (int i = 0; i < I; i++) s += x[b * I + i] * w[i * J + j];
                double t = Math.Tanh(s), d = map(c[b * J + j]) * (1 - t * t);
                for (int i = 0; i < I; i++)
                {
                    dw[i * J + j] += x[b * I + i] * d;
                    dx[b * I + i] += w[i * J + j] * d;
                }
            }
        return (dw, dx);
    }

    private static (VariableDict Variables, NDArray X, NDArray C, double[] W) Setup()
    {
        var rng = new System.Random(5);
        double[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1)];
        var (x, c) = (NDArray.From(Draw(B * I), B, I), NDArray.From(Draw(B * J), B, J));
        var (_, variables) = Core.Init((Scope s, Tensor h) => Layer(s, [h]))(PrngKey.Create(0), x);
        return (variables, x, c, ((NDArray)variables.Flatten()["params/w"]).ToArray<double>());
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int k = 0; k < expected.Length; k++)
            Assert.IsTrue(Math.Abs(expected[k] - actual[k]) <= 1e-12, $"{what}[{k}]: {actual[k]} vs {expected[k]}");
    }

    /// <summary>Float64: the plain layer and the layer whose rule is its own vjp both have the true gradient (host closed
    /// form, 1e-12).</summary>
    [TestMethod]
    public void WithoutACustomRuleTheGradientIsTheTrueOne()
    {
        var (variables, x, c, w) = Setup();
        var expected = HostGrads(w, x.ToArray<double>(), c.ToArray<double>(), g => g);
        foreach (var (name, layer) in new[] { ("plain", (Func<Scope, Tensor[], Tensor>)Layer), ("custom identity rule", WithRule(g => g)) })
        {
            var (dw, dx) = Grads(layer, variables, x, c);
            AssertClose(expected.W, dw, $"{name} dw");
            AssertClose(expected.X, dx, $"{name} dx");
        }
    }

    /// <summary>Float64: a rule that clips the output cotangent to [-0.1, 0.1] gives the gradient of the clipped
    /// cotangent (host closed form, 1e-12), not the true one; the output is the plain layer's.</summary>
    [TestMethod]
    public void TheGradientIsTheCustomRules()
    {
        var (variables, x, c, w) = Setup();
        var layer = WithRule(g => Tensor.Minimum(Tensor.Maximum(g, -0.1), 0.1));
        var (dw, dx) = Grads(layer, variables, x, c);
        var expected = HostGrads(w, x.ToArray<double>(), c.ToArray<double>(), g => Math.Clamp(g, -0.1, 0.1));
        AssertClose(expected.W, dw, "dw");
        AssertClose(expected.X, dx, "dx");
        Assert.IsTrue(Math.Abs(HostGrads(w, x.ToArray<double>(), c.ToArray<double>(), g => g).W[0] - dw[0]) > 1e-3, "the clipping must change the gradient");
        CollectionAssert.AreEqual(Core.Apply((Scope s, Tensor h) => Layer(s, [h]))(variables, x).ToArray<double>(),
            Core.Apply((Scope s, Tensor h) => layer(s, [h]))(variables, x).ToArray<double>());
    }

    /// <summary>A non-differentiated argument (<c>nondiff_argnums=(2,)</c>) comes first to the backward rule and gets a
    /// zero gradient: <c>y = x * k</c> with rule <c>dx = 2 k g</c>.</summary>
    [TestMethod]
    public void NondiffArgumentsGoFirstToTheBackwardRule()
    {
        var scaled = Flax.Lift.CustomVjp((_, xs) => xs[0] * xs[1], forwardFn: (_, xs) => (xs[0] * xs[1], 0),
            backwardFn: (nondiff, _, g) => (VariableDict.Empty, [g * nondiff[0] * 2.0]), nondiffArgnums: [2]);
        static (NDArray, VariableDict) Run(Func<Scope, Tensor[], Tensor> f, NDArray x, NDArray k) => Core.Apply((Scope scope, Tensor a, Tensor b) =>
        {
            var (y, backward) = Core.Vjp((s, xs) => f(s, xs).Sum(), scope, [a, b]);
            var (_, grads) = backward(y * 0.0 + 1.0);
            scope.PutVariable("grads", "x", grads[0]);
            scope.PutVariable("grads", "k", grads[1]);
            return y;
        }, "grads")(VariableDict.Empty, x, k);
        var (sum, mutated) = Run(scaled, NDArray.From([1.0, 2, 3], 3), NDArray.From([0.5, -1, 2], 3));
        Assert.AreEqual(0.5 - 2 + 6, sum.Item<double>(), 1e-12);
        CollectionAssert.AreEqual(new[] { 1.0, -2, 4 }, ((NDArray)mutated.Flatten()["grads/x"]).ToArray<double>());
        CollectionAssert.AreEqual(new[] { 0.0, 0, 0 }, ((NDArray)mutated.Flatten()["grads/k"]).ToArray<double>());
    }

    /// <summary>Under <c>vmap</c> the rule applies at every index: <c>y = 3 x</c> with rule <c>dx = 10 g</c>, mapped over
    /// rows; the gradient of <c>sum(vmap(f)(X) * C)</c> is <c>10 C</c> and the output <c>3 X</c>.</summary>
    [TestMethod]
    public void VmapAppliesTheRuleAtEveryIndex()
    {
        var tripled = Flax.Lift.CustomVjp((_, xs) => xs[0] * 3f, forwardFn: (_, xs) => (xs[0] * 3f, 0),
            backwardFn: (_, _, g) => (VariableDict.Empty, [g * 10f]));
        var mapped = Flax.Lift.Vmap((Scope s, Tensor row) => tripled(s, [row]), new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>());
        var x = NDArray.From([1f, 2, 3, 4, 5, 6], 2, 3);
        var c = NDArray.From([1f, -1, 2, 0.5f, 3, -2], 2, 3);
        var (y, mutated) = Core.Apply((Scope scope, Tensor a, Tensor cs) =>
        {
            var (loss, backward) = Core.Vjp((s, xs) => mapped(s, xs[0]), scope, [a]);
            var (_, grads) = backward(cs);
            scope.PutVariable("grads", "x", grads[0]);
            return loss;
        }, "grads")(VariableDict.Empty, x, c);
        CollectionAssert.AreEqual(x.ToArray<float>().Select(v => v * 3).ToArray(), y.ToArray<float>());
        CollectionAssert.AreEqual(c.ToArray<float>().Select(v => v * 10).ToArray(), ((NDArray)mutated.Flatten()["grads/x"]).ToArray<float>());
    }

    /// <summary>Two rules on the same function of the same input (<c>x + x</c>) stay two calls when the program is
    /// simplified before it is differentiated (common-subexpression elimination merges the two <c>x + x</c> but not the
    /// calls): <c>vjp(g + g)</c> and <c>vjp(g * g)</c> at <c>g = 1</c> give <c>4 + 2</c> (reference evaluator).</summary>
    [TestMethod]
    public void TwoRulesOnTheSameValuesStayApart()
    {
        static Tensor Twice(Scope _, Tensor[] xs) => xs[0] + xs[0];
        static Func<Scope, Tensor[], Tensor> Rule(Func<Tensor, Tensor> map) =>
            Flax.Lift.CustomVjp(Twice, (s, xs) => Core.Vjp(Twice, s, xs), (_, vjpFn, g) => vjpFn(map(g)));
        var (sum, product) = (Rule(g => g + g), Rule(g => g * g));
        var program = Core.MakeProgram((Scope s, Tensor x) => sum(s, [x]).Sum() + product(s, [x]).Sum(), VariableDict.Empty, new TensorSpec(DType.Float32, 2));
        var grads = Flax.Autodiff.ValueAndGrad(program, "output_0", [], [0]);
        var outputs = Flax.Ir.Evaluator.Run(grads, [NDArray.From([1f, 2f], 2)], new Dictionary<string, NDArray>());
        CollectionAssert.AreEqual(new[] { 6f, 6f }, outputs[^1].ToArray<float>());
    }

    /// <summary>The traced rules leave nothing in the program but the call itself (their equations are closed into it and
    /// dropped from the trace): its other equations are the plain layer's.</summary>
    [TestMethod]
    public void AProgramWithoutGradientComputesFnAlone()
    {
        var (variables, x, _, _) = Setup();
        var spec = new TensorSpec(DType.Float64, -1, I);
        var plain = Core.MakeProgram((Scope s, Tensor h) => Layer(s, [h]), variables, spec);
        var custom = Core.MakeProgram((Scope s, Tensor h) => WithRule(g => g)(s, [h]), variables, spec);
        Assert.AreEqual(1, custom.Eqns.Count(e => e.Primitive == Primitive.CustomVjpCall));
        CollectionAssert.AreEqual(plain.Eqns.Select(e => e.Primitive).ToArray(), custom.Eqns.Where(e => e.Primitive != Primitive.CustomVjpCall).Select(e => e.Primitive).ToArray());
    }

    private static LiftException Fails(Func<Scope, Tensor[], Tensor> layer)
    {
        var (variables, x, c, _) = Setup();
        return Assert.ThrowsExactly<LiftException>(() => Grads(layer, variables, x, c));
    }

    [TestMethod]
    public void TooManyInputCotangentsIsAStructureError()
    {
        var e = Fails(Flax.Lift.CustomVjp(Layer, (s, xs) => Core.Vjp(Layer, s, xs), (_, vjpFn, g) =>
        {
            var (vars, inputs) = vjpFn(g);
            return (vars, [inputs[0], inputs[0]]);
        }));
        Assert.AreEqual("Custom VJP bwd rule must produce an output with the same container (pytree) structure as the args tuple of the primal function, and in particular must produce a tuple of length equal to the number of arguments to the primal function, "
            + "but got bwd output structure PyTreeDef(({'params': {'w': *}}, *, *)) for primal input structure PyTreeDef(({'params': {'w': *}}, *)).", e.Message);
    }

    [TestMethod]
    public void AMissingVariableCotangentIsAStructureError()
    {
        var e = Fails(Flax.Lift.CustomVjp(Layer, (s, xs) => Core.Vjp(Layer, s, xs), (_, vjpFn, g) => (VariableDict.Empty, vjpFn(g).InputGrads)));
        Assert.AreEqual("Custom VJP bwd rule must produce an output with the same container (pytree) structure as the args tuple of the primal function, and in particular must produce a tuple of length equal to the number of arguments to the primal function, "
            + "but got bwd output structure PyTreeDef(({}, *)) for primal input structure PyTreeDef(({'params': {'w': *}}, *)).", e.Message);
    }

    [TestMethod]
    public void AVariableCotangentOfAnotherShapeIsATypeError()
    {
        var e = Fails(Flax.Lift.CustomVjp(Layer, (s, xs) => Core.Vjp(Layer, s, xs), (_, vjpFn, g) =>
        {
            var (vars, inputs) = vjpFn(g);
            return (vars.Map(t => ((Tensor)t).Transpose([1, 0])), inputs);
        }));
        Assert.AreEqual("Custom VJP bwd rule must produce an output with the same type as the args tuple of the primal function, but at output[0]['params']['w'] the bwd rule produced an output of type float64[4,3] corresponding to an input of type float64[3,4].", e.Message);
    }

    [TestMethod]
    public void AnInputCotangentOfAnotherShapeIsATypeError()
    {
        var e = Fails(Flax.Lift.CustomVjp(Layer, (s, xs) => Core.Vjp(Layer, s, xs), (_, vjpFn, g) => (vjpFn(g).VariableGrads, [g])));
        Assert.AreEqual("Custom VJP bwd rule must produce an output with the same type as the args tuple of the primal function, but at output[1] the bwd rule produced an output of type float64[2,4] corresponding to an input of type float64[2,3].", e.Message);
    }

    [TestMethod]
    public void AForwardOutputOfAnotherTypeIsAnError()
    {
        var e = Fails(Flax.Lift.CustomVjp(Layer, (s, xs) =>
        {
            var (y, vjpFn) = Core.Vjp(Layer, s, xs);
            return (y.Sum(), vjpFn);
        }, (_, vjpFn, g) => vjpFn(g)));
        Assert.AreEqual("Custom VJP fwd rule f_fwd for function f must produce a pair (list or tuple of length two) where the first element represents the primal output (equal to the output of the custom_vjp-decorated function f) and the second element represents residuals (i.e. values stored from the forward pass for use on the backward pass), but instead the fwd rule output's first element had shapes/dtypes of:\n"
            + "    float64[]\nwhile the custom_vjp-decorated function f had output shapes/dtypes of:\n    float64[2,4]", e.Message);
    }

    [TestMethod]
    public void ANondiffArgnumOutOfRangeIsAnArgumentError()
    {
        var (variables, x, c, _) = Setup();
        var layer = Flax.Lift.CustomVjp(Layer, (s, xs) => Core.Vjp(Layer, s, xs), (_, vjpFn, g) => vjpFn(g), nondiffArgnums: [2]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Grads(layer, variables, x, c));
        Assert.AreEqual("nondiff_argnums entry 2 is out of range for a function of a scope and 1 argument(s) (the scope is argument 0). (Parameter 'nondiffArgnums')", e.Message);
    }

    [TestMethod]
    public void CallingItOutsideATraceIsAnError()
    {
        var layer = WithRule(g => g);
        var scope = new Scope(new Dictionary<string, object>());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => layer(scope, []));
        Assert.AreEqual("Lift.CustomVjp traces its rules: call it inside a function given to Core.Init, Core.Apply or Core.Export.", e.Message);
    }
}
