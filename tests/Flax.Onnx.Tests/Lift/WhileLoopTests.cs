using Flax.Lowering.Proto;
using Flax.Tests.Lowering;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Tests.Lift;

/// <summary><c>Lift.WhileLoop</c>: Flax's <c>test_while_loop</c> and <c>test_subscope_var_aliasing</c>, the loop against
/// an explicit C# loop (in the library and exported to ONNX Runtime), and its errors.</summary>
[TestClass]
public sealed class WhileLoopTests
{
    public TestContext TestContext { get; set; } = null!;

    private static Tensor T(object? value) => value as Tensor ?? (Tensor)(NDArray)value!;

    /// <summary><c>test_while_loop</c>: the carried counter <c>state/acc</c> runs from 0 until it reaches <c>x = 2</c> in
    /// steps of the parameter <c>inc</c> (created by the apply, which may mutate everything); the condition closes over
    /// <c>x</c> and the carry is empty. With <c>split_rngs={'params': False, 'loop': True}</c> the body writes its
    /// <c>make_rng</c> keys into row <c>acc</c> of <c>state/rng_params</c> and <c>state/rng_loop</c>: the unsplit
    /// sequence gives the same key in both rows, the split one different keys. Stronger than upstream, every row equals
    /// Flax's derivation on the host: <c>params</c> is the second key of its sequence (the first made <c>inc</c>),
    /// <c>fold_in(key(1), hash(2))</c>; <c>loop</c> in iteration <c>i</c> is <c>fold_in(fold_in(key(2), i), hash(1))</c>.</summary>
    [TestMethod]
    public void WhileLoop()
    {
        Tensor F(Scope scope, Tensor x)
        {
            scope.Param<Tensor>("inc", _ => (Tensor)NDArray.Scalar(1));
            scope.PutVariable("state", "acc", NDArray.Scalar(0));
            scope.PutVariable("state", "rng_params", NDArray.Zeros(DType.UInt32, 2, 2));
            scope.PutVariable("state", "rng_loop", NDArray.Zeros(DType.UInt32, 2, 2));
            var carry = Flax.Lift.WhileLoop(
                (s, c) => T(s.GetVariable("state", "acc")) < x,
                (s, c) =>
                {
                    var i = T(s.GetVariable("state", "acc"));
                    var pRng = s.MakeRngTensor("params");
                    var lRng = s.MakeRngTensor("loop");
                    s.PutVariable("state", "rng_params", T(s.GetVariable("state", "rng_params")).AtSet(i, pRng));
                    s.PutVariable("state", "rng_loop", T(s.GetVariable("state", "rng_loop")).AtSet(i, lRng));
                    s.PutVariable("state", "acc", i + T(s.GetVariable("params", "inc")));
                    return c;
                },
                scope, [], carryVariables: "state", splitRngs: new Dictionary<Filter, bool> { ["params"] = false, ["loop"] = true });
            Assert.AreEqual(0, carry.Length);
            return x;
        }
        var (_, variables) = Core.Apply(F, true)(VariableDict.Empty, NDArray.Scalar(2),
            new Rngs(("params", PrngKey.Create(1)), ("loop", PrngKey.Create(2))));
        var state = variables.Flatten();
        Assert.AreEqual(2, ((NDArray)state["state/acc"]).Item<int>());
        var rngParams = ((NDArray)state["state/rng_params"]).ToArray<uint>();
        var rngLoop = ((NDArray)state["state/rng_loop"]).ToArray<uint>();
        CollectionAssert.AreEqual(rngParams[..2], rngParams[2..]);
        CollectionAssert.AreNotEqual(rngLoop[..2], rngLoop[2..]);
        var p = PrngKey.Create(1).FoldInStatic(2);
        CollectionAssert.AreEqual(new[] { p.Hi, p.Lo, p.Hi, p.Lo }, rngParams);
        var (l0, l1) = (PrngKey.Create(2).FoldIn(0).FoldInStatic(1), PrngKey.Create(2).FoldIn(1).FoldInStatic(1));
        CollectionAssert.AreEqual(new[] { l0.Hi, l0.Lo, l1.Hi, l1.Lo }, rngLoop);
    }

    /// <summary>Both functions close over tensors of the enclosing trace (JAX's closure conversion): the bound and the
    /// step are consts of the loop, also in a loop nested in another one's body.</summary>
    [TestMethod]
    public void ClosesOverOuterTensors()
    {
        Tensor F(Scope scope, Tensor x)
        {
            var limit = x.Sum() * 4f;
            var step = x * 0.5f;
            return Flax.Lift.WhileLoop((s, c) => c.Sum() < limit, (s, c) =>
                Flax.Lift.WhileLoop((t, d) => d.Sum() < c.Sum() + 1f, (t, d) => d + step, s, c), scope, x);
        }
        float[] x = [1f, 2f];
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.From(x, 2)).ToArray<float>();
        var (a, b) = (x[0], x[1]);
        float limit = (x[0] + x[1]) * 4f;
        while (a + b < limit)
        {
            float bound = a + b + 1f;
            while (a + b < bound) (a, b) = (a + x[0] * 0.5f, b + x[1] * 0.5f);
        }
        CollectionAssert.AreEqual(new[] { a, b }, y);
    }

    /// <summary>An empty carry: the loop state is the carried variables only.</summary>
    [TestMethod]
    public void EmptyCarry()
    {
        Tensor F(Scope scope, Tensor x)
        {
            scope.PutVariable("state", "acc", NDArray.Scalar(1f));
            var carry = Flax.Lift.WhileLoop((s, c) => T(s.GetVariable("state", "acc")) < 100f,
                (s, c) =>
                {
                    s.PutVariable("state", "acc", T(s.GetVariable("state", "acc")) * 3f);
                    return c;
                }, scope, [], carryVariables: "state");
            Assert.AreEqual(0, carry.Length);
            return x;
        }
        var (_, variables) = Core.Apply(F, "state")(VariableDict.Empty, NDArray.Scalar(0f));
        Assert.AreEqual(243f, ((NDArray)variables.Flatten()["state/acc"]).Item<float>());
    }

    /// <summary><c>test_subscope_var_aliasing</c>: a loop that carries <c>state</c> and never iterates leaves the child
    /// scope's variable and the parent's view of it the same object, also after the child writes it again.</summary>
    [TestMethod]
    public void SubscopeVarAliasing()
    {
        Tensor Test(Scope scope, Tensor x)
        {
            var subscope = scope.Push(name: "a");
            subscope.PutVariable("state", "x", 0.0f);
            _ = Flax.Lift.WhileLoop((s, c) => (Tensor)NDArray.Scalar(false), (s, c) => c, scope, (Tensor)NDArray.Scalar(0), carryVariables: new[] { "state" });
            subscope.PutVariable("state", "x", 1.0f);
            var val0 = ((VariableDict)scope.Variables()["state"])["a"] is VariableDict a ? a["x"] : null;
            var val1 = ((VariableDict)subscope.Variables()["state"])["x"];
            Assert.AreEqual(val1, val0);
            return x;
        }
        Core.Init(Test)(PrngKey.Create(0), NDArray.Scalar(1.0f));
    }

    /// <summary>The C# loop the model below computes: <c>while sum(x) &lt; 50: x = x * 1.5 + w</c>, in float32 in the
    /// same operation order.</summary>
    private static float[] ExplicitLoop(float[] x, float[] w, int rows, out int iterations)
    {
        x = (float[])x.Clone();
        iterations = 0;
        while (x.Sum() < 50f)
        {
            for (int i = 0; i < x.Length; i++) x[i] = x[i] * 1.5f + w[i % 3];
            iterations++;
        }
        return x;
    }

    private static Tensor Grow(Scope scope, Tensor x)
    {
        scope.Param<Tensor>("w", _ => (Tensor)NDArray.From([0.5f, 1f, 2f], 1, 3));
        return Flax.Lift.WhileLoop((s, c) => c.Sum() < 50f, (s, c) => c * 1.5f + T(s.GetVariable("params", "w")), scope, x);
    }

    [TestMethod]
    public void LoopEqualsAnExplicitLoop()
    {
        var x = NDArray.From([0.1f, 0.2f, 0.3f, -0.4f, 0.5f, 0.6f], 2, 3);
        var (y, variables) = Core.Init(Grow)(PrngKey.Create(0), x);
        var expected = ExplicitLoop(x.ToArray<float>(), [0.5f, 1f, 2f], 2, out int iterations);
        Assert.IsTrue(iterations > 3, $"{iterations} iterations");
        var actual = y.ToArray<float>();
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5 * Math.Abs(expected[i]), $"element {i}");
        var applied = Core.Apply(Grow)(variables, x).ToArray<float>();
        CollectionAssert.AreEqual(actual, applied);
        // A carry whose condition is false at once: no iteration.
        var big = NDArray.From([100f, 0, 0, 0, 0, 0], 2, 3);
        CollectionAssert.AreEqual(big.ToArray<float>(), Core.Apply(Grow)(variables, big).ToArray<float>());
    }

    /// <summary>Several tensors as the carry: an int32 counter and a float value; the loop runs <c>n</c> times.</summary>
    [TestMethod]
    public void SeveralCarries()
    {
        Tensor F(Scope scope, Tensor x)
        {
            var carry = Flax.Lift.WhileLoop((s, c) => c[0] < 5, (s, c) => [c[0] + 1, c[1] * 2f], scope, [(Tensor)NDArray.Scalar(0), x]);
            Assert.AreEqual(DType.Int32, carry[0].DType);
            return carry[1] + carry[0].Cast(DType.Float32);
        }
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.From([1f, -2f], 2)).ToArray<float>();
        CollectionAssert.AreEqual(new[] { 32f + 5f, -64f + 5f }, y);
    }

    /// <summary>Core.Export of the loop: one <c>Loop</c> node, valid for <c>onnx.checker</c>, and ONNX Runtime's result
    /// on a bigger batch equals the explicit loop.</summary>
    [TestMethod]
    public void ExportHasALoopAndRunsInOnnxRuntime()
    {
        var x = NDArray.From([0.1f, 0.2f, 0.3f], 1, 3);
        var (_, variables) = Core.Init(Grow)(PrngKey.Create(0), x);
        var path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-while.onnx");
        Core.Export(Grow, variables, path, [new TensorSpec(DType.Float32, -1, 3)]);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        Assert.AreEqual(1, graph.Node.Count(n => n.OpType == "Loop"));
        OnnxChecker.AssertValid(path);
        float[] bigger = [0.1f, 0.2f, 0.3f, -0.4f, 0.5f, 0.6f, 1f, -1f, 0f];
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(bigger, [3, 3]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [input], ["output_0"]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        var expected = ExplicitLoop(bigger, [0.5f, 1f, 2f], 3, out _);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5 * Math.Abs(expected[i]), $"element {i}");
    }

    [TestMethod]
    public void CondModifyingAVariableThrows()
    {
        Tensor F(Scope scope, Tensor x)
        {
            scope.PutVariable("state", "acc", NDArray.Scalar(0));
            return Flax.Lift.WhileLoop((s, c) =>
            {
                s.PutVariable("state", "acc", NDArray.Scalar(1));
                return c < 3f;
            }, (s, c) => c + 1f, scope, x, carryVariables: "state");
        }
        var e = Assert.ThrowsExactly<ModifyScopeVariableException>(() => Core.Apply(F, "state")(VariableDict.Empty, NDArray.Scalar(0f)));
        Assert.AreEqual("Cannot update variable \"acc\" in \"/while_loop()\" because collection \"state\" is immutable.", e.Message);
    }

    [TestMethod]
    public void WritingABroadcastVariableThrows()
    {
        Tensor F(Scope scope, Tensor x)
        {
            scope.PutVariable("state", "acc", NDArray.Scalar(0f));
            return Flax.Lift.WhileLoop((s, c) => c < 3f, (s, c) =>
            {
                s.PutVariable("state", "acc", c);
                return c + 1f;
            }, scope, x);
        }
        var e = Assert.ThrowsExactly<ModifyScopeVariableException>(() => Core.Apply(F, "state")(VariableDict.Empty, NDArray.Scalar(0f)));
        Assert.AreEqual("Cannot update variable \"acc\" in \"/while_loop()\" because collection \"state\" is immutable.", e.Message);
    }

    [TestMethod]
    public void CarryTypeChangeThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((s, c) => c.Sum() < 3f, (s, c) => c.Sum(), scope, x);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply(F)(VariableDict.Empty, NDArray.Ones(DType.Float32, 2)));
        Assert.AreEqual("while_loop body function carry input and carry output must have equal types, but carry[0] is f32[2] on input and f32[] on output.", e.Message);
    }

    [TestMethod]
    public void BodyGivingAnotherCarryCountThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((s, c) => c[0].Sum() < 3f, (s, c) => [c[0], c[0]], scope, [x])[0];
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply(F)(VariableDict.Empty, NDArray.Ones(DType.Float32, 2)));
        Assert.AreEqual("while_loop body function carry input and carry output must have equal types, but the body gives 2 carry value(s) for 1.", e.Message);
    }

    [TestMethod]
    public void CarriedVariableTypeChangeThrows()
    {
        Tensor F(Scope scope, Tensor x)
        {
            scope.PutVariable("state", "acc", NDArray.Scalar(0f));
            return Flax.Lift.WhileLoop((s, c) => c < 3f, (s, c) =>
            {
                s.PutVariable("state", "acc", T(s.GetVariable("state", "acc")).Reshape(1));
                return c + 1f;
            }, scope, x, carryVariables: "state");
        }
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply(F, "state")(VariableDict.Empty, NDArray.Scalar(0f)));
        Assert.AreEqual("while_loop body function carry input and carry output must have equal types, but variable \"state/acc\" is f32[] on input and f32[1] on output.", e.Message);
    }

    [TestMethod]
    public void BodyCreatingACarriedVariableThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((s, c) => c < 3f, (s, c) =>
        {
            s.PutVariable("state", "count", c);
            return c + 1f;
        }, scope, x, carryVariables: "state");
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply(F, "state")(VariableDict.Empty, NDArray.Scalar(0f)));
        Assert.AreEqual("while_loop body function carry input and carry output must have equal types, but the carried variables differ: () on input and (state/count) on output. Create the loop's variables before the loop.", e.Message);
    }

    [TestMethod]
    public void BodyCreatingAParameterThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((s, c) => c < 3f, (s, c) => c + s.Param<Tensor>("w", Initializers.Ones, []),
            scope, x, carryVariables: "params", splitRngs: new Dictionary<Filter, bool> { ["params"] = false });
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Init(F)(PrngKey.Create(0), NDArray.Scalar(0f)));
        Assert.AreEqual("while_loop body function carry input and carry output must have equal types, but the carried variables differ: () on input and (params/w) on output. Create the loop's variables before the loop.", e.Message);
    }

    [TestMethod]
    public void OutsideATraceThrows()
    {
        var scope = Core.Bind(VariableDict.Empty);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Flax.Lift.WhileLoop((s, c) => c[0], (s, c) => c, scope, Array.Empty<Tensor>()));
        Assert.AreEqual("Lift.WhileLoop loops in traced functions: call it inside a function given to Core.Init, Core.Apply or Core.Export.", e.Message);
    }

    [TestMethod]
    public void NonScalarConditionThrows()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.WhileLoop((s, c) => c < 3f, (s, c) => c + 1f, scope, x);
        var e = Assert.ThrowsExactly<LiftException>(() => Core.Apply(F)(VariableDict.Empty, NDArray.Ones(DType.Float32, 2)));
        Assert.AreEqual("cond_fun must return a boolean scalar, but got output type(s) [ShapedArray(bool[2])].", e.Message);
    }

    [TestMethod]
    public void GradThroughWhileThrows()
    {
        Tensor F(Scope scope, Tensor x)
        {
            scope.Param<Tensor>("w", _ => (Tensor)NDArray.Scalar(2f));
            var (value, _) = Core.ValueAndGrad(s => Flax.Lift.WhileLoop((i, c) => c < 10f, (i, c) => c * T(i.GetVariable("params", "w")), s, x), scope);
            return value;
        }
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Core.Init(F)(PrngKey.Create(0), NDArray.Scalar(1f)));
        Assert.AreEqual("Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic start/stop values. Try using lax.scan, or using fori_loop with static start/stop.", e.Message);
    }

    /// <summary>vmap of a loop whose condition is the same for every row (JAX's unbatched-predicate case): one loop,
    /// the batched body; the shared counter stays unbatched.</summary>
    [TestMethod]
    public void VmapWithAnUnbatchedCondition()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.Vmap((s, row) => Flax.Lift.WhileLoop((i, c) => c[0] < 3, (i, c) => [c[0] + 1, c[1] * 2f + 1f], s,
            [(Tensor)NDArray.Scalar(0), row])[1], new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>())(scope, x);
        float[] x = [1f, -2f, 0.5f, 3f, 0f, -1f];
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.From(x, 3, 2)).ToArray<float>();
        CollectionAssert.AreEqual(x.Select(v => ((v * 2f + 1f) * 2f + 1f) * 2f + 1f).ToArray(), y);
    }

    /// <summary>vmap of a loop whose condition differs per row (JAX's batched-predicate case): the loop runs while any
    /// row's condition holds and each row stops at its own count, as the explicit per-row loop does.</summary>
    [TestMethod]
    public void VmapWithABatchedCondition()
    {
        Tensor F(Scope scope, Tensor x) => Flax.Lift.Vmap((s, row) => Flax.Lift.WhileLoop((i, c) => c.Sum() < 10f, (i, c) => c * 2f, s, row),
            new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>(), inAxes: [1], outAxes: 1)(scope, x);
        float[] x = [1f, 4f, 0.25f, 2f, 5f, 0.5f];  // columns (1, 2), (4, 5), (0.25, 0.5)
        var y = Core.Apply(F)(VariableDict.Empty, NDArray.From(x, 2, 3)).ToArray<float>();
        var expected = new float[6];
        for (int col = 0; col < 3; col++)
        {
            float a = x[col], b = x[3 + col];
            while (a + b < 10f) (a, b) = (a * 2f, b * 2f);
            (expected[col], expected[3 + col]) = (a, b);
        }
        CollectionAssert.AreEqual(expected, y);
    }

    /// <summary>The batched-condition loop exported over the dynamic batch axis: the body's per-row mask needs the
    /// runtime batch size inside the <c>Loop</c> subgraph (read from the outer graph); valid for <c>onnx.checker</c>, and
    /// ONNX Runtime's result equals the explicit per-row loop.</summary>
    [TestMethod]
    public void VmappedLoopExportsOverTheDynamicBatch()
    {
        static Tensor F(Scope scope, Tensor x) => Flax.Lift.Vmap((s, row) => Flax.Lift.WhileLoop((i, c) => c.Sum() < 10f, (i, c) => c * 2f, s, row),
            new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>())(scope, x);
        var path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{Guid.NewGuid():N}-vmap-while.onnx");
        Core.Export(F, VariableDict.Empty, path, [new TensorSpec(DType.Float32, -1, 2)]);
        OnnxChecker.AssertValid(path);
        float[] x = [1f, 2f, 4f, 5f, 0.25f, 0.5f, 20f, 1f];
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [4, 2]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [input], ["output_0"]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        var expected = (float[])x.Clone();
        for (int row = 0; row < 4; row++)
            while (expected[2 * row] + expected[2 * row + 1] < 10f) (expected[2 * row], expected[2 * row + 1]) = (expected[2 * row] * 2f, expected[2 * row + 1] * 2f);
        CollectionAssert.AreEqual(expected, actual);
    }
}
