namespace Flax.Tests.Autodiff;

/// <summary>The <see cref="Flax.Autodiff"/> pass as a whole: outputs, parameters, cotangent inputs and errors.</summary>
[TestClass]
public sealed class AutodiffTests
{
    private static readonly Dictionary<string, NDArray> NoParameters = [];

    /// <summary>
    /// core_lift_test's <c>test_vjp</c> at the IR level: <c>g = p * x * y</c> with the scalar param <c>test = 0.5</c>,
    /// <c>x = [1, 2, 3]</c> and <c>y = [4, 5, 6]</c>; the vjp of ones gives <c>32</c>, <c>[2, 2.5, 3]</c> and
    /// <c>[0.5, 1, 1.5]</c>.
    /// </summary>
    [TestMethod]
    public void Vjp()
    {
        var p = new Var(new TensorType(DType.Float32));
        var x = new Var(new TensorType(DType.Float32, 3));
        var y = new Var(new TensorType(DType.Float32, 3));
        var b = new GradBuilder();
        var g = b.Mul(b.Mul(b.Reshape(p, [1]), x), y);
        var program = new Program([x, y], [new ProgramParameter("params/test", p)], [.. b.Constants], [.. b.Eqns],
            [new ProgramOutput("output_0", g)]);

        var vjp = Flax.Autodiff.Vjp(program, ["output_0"], ["params/test"], [0, 1]);
        CollectionAssert.AreEqual(new[] { "output_0", "grad/params/test", "grad/input_0", "grad/input_1" }, vjp.Outputs.Select(o => o.Name).ToArray());
        Assert.HasCount(3, vjp.Inputs);
        var outputs = Evaluator.Run(vjp,
            [NDArray.From([1f, 2, 3], 3), NDArray.From([4f, 5, 6], 3), NDArray.Ones(DType.Float32, 3)],
            new Dictionary<string, NDArray> { ["params/test"] = NDArray.Scalar(0.5f) });
        CollectionAssert.AreEqual(new[] { 2f, 5, 9 }, outputs[0].ToArray<float>());
        Assert.AreEqual(32f, outputs[1].Item<float>());
        CollectionAssert.AreEqual(new[] { 2f, 2.5f, 3 }, outputs[2].ToArray<float>());
        CollectionAssert.AreEqual(new[] { 0.5f, 1, 1.5f }, outputs[3].ToArray<float>());
    }

    /// <summary>
    /// A dense layer with a dynamic batch and a second output standing for a mutated collection: the gradients match
    /// the closed forms <c>dL/dW = x^T 1</c>, <c>dL/db = batch</c> for <c>L = sum(x W + b)</c>, an unused parameter
    /// gets zeros, and the original outputs are kept.
    /// </summary>
    [TestMethod]
    public void ParametersOfADenseLayer()
    {
        var x = new Var(new TensorType(DType.Float32, -1, 3));
        var kernel = new Var(new TensorType(DType.Float32, 3, 2));
        var bias = new Var(new TensorType(DType.Float32, 2));
        var unused = new Var(new TensorType(DType.Float32, 4));
        var b = new GradBuilder();
        var y = b.Add(b.Emit(Primitive.DotGeneral, new DotGeneralParams([1], [0], [], []), x, kernel), b.Reshape(bias, [1, 2]));
        var loss = b.ReduceSum(y, [0, 1]);
        var mean = b.ReduceSum(x, [0]);
        var program = new Program([x],
            [new("params/Dense_0/kernel", kernel), new("params/Dense_0/bias", bias), new("params/unused", unused)],
            [.. b.Constants], [.. b.Eqns], [new ProgramOutput("output_0", loss), new ProgramOutput("batch_stats/sum", mean)]);

        var grads = Flax.Autodiff.ValueAndGrad(program, "output_0", ["params/Dense_0/kernel", "params/Dense_0/bias", "params/unused"], []);
        CollectionAssert.AreEqual(
            new[] { "output_0", "batch_stats/sum", "grad/params/Dense_0/kernel", "grad/params/Dense_0/bias", "grad/params/unused" },
            grads.Outputs.Select(o => o.Name).ToArray());
        var xs = new float[] { 1, 2, 3, -4, 5, 0.5f };
        var outputs = Evaluator.Run(grads, [NDArray.From(xs, 2, 3)], new Dictionary<string, NDArray>
        {
            ["params/Dense_0/kernel"] = NDArray.From([1f, 0, 0, 1, 1, 1], 3, 2),
            ["params/Dense_0/bias"] = NDArray.From([0.5f, -0.5f], 2),
            ["params/unused"] = NDArray.Ones(DType.Float32, 4),
        });
        CollectionAssert.AreEqual(new[] { -3f, 7, 3.5f }, outputs[1].ToArray<float>());
        CollectionAssert.AreEqual(new[] { -3f, -3, 7, 7, 3.5f, 3.5f }, outputs[2].ToArray<float>());
        CollectionAssert.AreEqual(new[] { 2f, 2 }, outputs[3].ToArray<float>());
        CollectionAssert.AreEqual(new[] { 0f, 0, 0, 0 }, outputs[4].ToArray<float>());
    }

    [TestMethod]
    public void ZeroGradientOfAnInputKeepsItsDynamicBatch()
    {
        var x = new Var(new TensorType(DType.Float64, -1, 2));
        var c = new Var(new TensorType(DType.Float64));
        var program = new Program([x, c], [], [], [], [new ProgramOutput("output_0", c)]);
        var grads = Flax.Autodiff.ValueAndGrad(program, "output_0", [], [0, 1]);
        var outputs = Evaluator.Run(grads, [NDArray.Ones(DType.Float64, 3, 2), NDArray.Scalar(2.0)], NoParameters);
        CollectionAssert.AreEqual(new[] { 3, 2 }, outputs[1].Shape);
        CollectionAssert.AreEqual(new double[6], outputs[1].ToArray<double>());
        Assert.AreEqual(1.0, outputs[2].Item<double>());
    }

    /// <summary>Every primitive has a rule or is declared to pass no cotangent; a new primitive fails here until it gets one.</summary>
    [TestMethod]
    public void EveryPrimitiveHasARule()
    {
        foreach (var primitive in Enum.GetValues<Primitive>())
        {
            if (primitive is Primitive.ConvTranspose or Primitive.ScaleShift) continue;  // lowering-only: LoweringOnlyPrimitiveHasNoRule
            if (!primitive.HasManyOutputs())
            {
                _ = VjpRules.For(primitive);
                continue;
            }
            // A primitive with several outputs has a rule (scan) or its own entry (a deliberate refusal until it gets one).
            if (VjpRules.ForMany(primitive) is not null) continue;
            var refusal = VjpRules.NoManyOutputRule(new Eqn(primitive, [], EqnParams.None, [], ""));
            Assert.IsFalse(refusal.Message.StartsWith("Reverse-mode differentiation is not implemented for", StringComparison.Ordinal), primitive.ToString());
        }
        Assert.IsNotNull(VjpRules.ForMany(Primitive.Scan));
    }

    /// <summary><c>conv_transpose</c> and <c>scale_shift</c> exist only in lowered programs
    /// (<see cref="ConvTransposeFolding"/>, <see cref="ScaleShiftFolding"/>); asking for their rules fails with a
    /// message naming them.</summary>
    [TestMethod]
    public void LoweringOnlyPrimitiveHasNoRule()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => VjpRules.For(Primitive.ConvTranspose));
        Assert.AreEqual("Differentiation rule for 'conv_transpose' not implemented.", e.Message);
        e = Assert.ThrowsExactly<NotSupportedException>(() => VjpRules.For(Primitive.ScaleShift));
        Assert.AreEqual("Differentiation rule for 'scale_shift' not implemented.", e.Message);
    }

    [TestMethod]
    public void MissingRuleNamesThePrimitive()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => VjpRules.For((Primitive)999));
        Assert.AreEqual("Differentiation rule for '999' not implemented.", e.Message);
    }

    private static Program Simple()
    {
        var x = new Var(new TensorType(DType.Float32, 2));
        var i = new Var(new TensorType(DType.Int32, 2));
        var k = new Var(new TensorType(DType.Int32, 2));
        var b = new GradBuilder();
        var s = b.ReduceSum(x, [0]);
        var n = b.ReduceSum(i, [0]);
        return new Program([x, i], [new ProgramParameter("params/k", k)], [.. b.Constants], [.. b.Eqns],
            [new("output_0", s), new("output_1", x), new("output_2", n)]);
    }

    [TestMethod]
    public void UnknownOutput()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "loss", [], [0]));
        Assert.AreEqual("The program has no output named 'loss'; its outputs are [output_0, output_1, output_2].", e.Message);
    }

    [TestMethod]
    public void NonScalarOutput()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "output_1", [], [0]));
        Assert.AreEqual("Gradient only defined for scalar-output functions. Output had shape: (2,). (Parameter 'output')", e.Message);
    }

    [TestMethod]
    public void IntegerOutput()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "output_2", [], [0]));
        Assert.AreEqual("grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got int32. (Parameter 'output')", e.Message);
        var v = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.Vjp(Simple(), ["output_2"], [], [0]));
        Assert.AreEqual("vjp requires real-valued outputs, but output 'output_2' has dtype int32. (Parameter 'outputs')", v.Message);
    }

    [TestMethod]
    public void OutputNamedTwice()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.Vjp(Simple(), ["output_1", "output_1"], [], [0]));
        Assert.AreEqual("Outputs are named more than once in [output_1, output_1]. (Parameter 'outputs')", e.Message);
    }

    [TestMethod]
    public void UnknownParameter()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "output_0", ["params/w"], []));
        Assert.AreEqual("The program has no parameter named 'params/w'. (Parameter 'parameters')", e.Message);
    }

    [TestMethod]
    public void InputOutOfRange()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "output_0", [], [2]));
        Assert.AreEqual("Input index 2 is out of range for a program with 2 input(s). (Parameter 'inputs')", e.Message);
    }

    [TestMethod]
    public void IntegerVariables()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "output_0", ["params/k"], []));
        Assert.AreEqual("grad requires real-valued inputs (input dtype that is a sub-dtype of np.inexact), but got int32 for 'params/k'.", e.Message);
        var i = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "output_0", [], [1]));
        Assert.AreEqual("grad requires real-valued inputs (input dtype that is a sub-dtype of np.inexact), but got int32 for 'input_1'.", i.Message);
    }

    [TestMethod]
    public void VariableDifferentiatedTwice()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Flax.Autodiff.ValueAndGrad(Simple(), "output_0", [], [0, 0]));
        Assert.AreEqual("'input_0' is differentiated more than once.", e.Message);
    }
}
