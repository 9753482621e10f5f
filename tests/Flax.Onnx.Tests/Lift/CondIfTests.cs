using System.Collections.Immutable;
using Flax.Lowering.Proto;
using Flax.Tests.Lowering;

namespace Flax.Tests.Lift;

/// <summary>
/// <c>Lift.Cond</c>/<c>Lift.Switch</c> with a scalar predicate bind the <c>cond</c> primitive, lowered to ONNX <c>If</c>:
/// the exported graph, its values against explicit C# references and the select form, the taken branch's state only,
/// gradients (through the select form) against float64 central finite differences, and the primitive's type errors.
/// </summary>
[TestClass]
public sealed class CondIfTests
{
    private static readonly double[] Xs = [0.5, -1.25, 2.0, 0.75, -0.5, 1.5];

    /// <summary>True: <c>x @ w + b</c>; false: <c>-(x @ w + b)</c>; each branch counts its calls when asked to.</summary>
    private static Func<Scope, Tensor, Tensor> Branch(string? counter, bool negate) => (scope, x) =>
    {
        if (counter is not null) scope.Variable<Tensor>("state", counter, () => NDArray.Scalar(0)).Value += 1;
        var y = Flax.Nn.Dense(scope, x, 2);
        return negate ? -y : y;
    };

    private static Tensor Counted(Scope scope, Tensor x, Tensor pred)
    {
        scope.Variable<Tensor>("state", "true_count", () => NDArray.Scalar(0));
        scope.Variable<Tensor>("state", "false_count", () => NDArray.Scalar(0));
        return Flax.Lift.Cond(pred, Branch("true_count", false), Branch("false_count", true), scope, x);
    }

    /// <summary>x @ w + b on the host, negated for the false branch.</summary>
    private static float[] Reference(VariableDict variables, NDArray x, bool pred)
    {
        var flat = variables.Flatten();
        var w = ((NDArray)flat.First(kv => kv.Key.EndsWith("kernel", StringComparison.Ordinal)).Value).ToArray<float>();
        var b = ((NDArray)flat.First(kv => kv.Key.EndsWith("bias", StringComparison.Ordinal)).Value).ToArray<float>();
        var xs = x.ToArray<float>();
        int rows = x.Shape[0];
        var y = new float[rows * 2];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < 2; j++)
            {
                double s = b[j];
                for (int i = 0; i < 3; i++) s += (double)xs[r * 3 + i] * w[i * 2 + j];
                y[r * 2 + j] = (float)(pred ? s : -s);
            }
        return y;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
    }

    private static Tensor Plain(Scope scope, Tensor x, Tensor pred) => Flax.Lift.Cond(pred, Branch(null, false), Branch(null, true), scope, x);

    [TestMethod]
    public void ExportedCondIsOneIfThatPassesTheCheckerAndComputesTheTakenBranch()
    {
        var x = NDArray.From(Xs.Select(v => (float)v).ToArray(), 2, 3);
        var (_, variables) = Core.Init(Plain)(PrngKey.Create(0), x, NDArray.Scalar(true));
        var path = Path.Combine(Path.GetTempPath(), $"cond-{Guid.NewGuid():N}.onnx");
        try
        {
            // Exported for inference: the branches without their counters (state is not an export output).
            Core.Export(Plain, variables, path, [new TensorSpec(DType.Float32, -1, 3), new TensorSpec(DType.Bool)]);
            var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
            Assert.AreEqual(1, graph.Node.Count(n => n.OpType == "If"), string.Join(" ", graph.Node.Select(n => n.OpType)));
            Assert.AreEqual(0, graph.Node.Count(n => n.OpType == "Where"));
            OnnxChecker.AssertValid(path);
            using var session = new OnnxSession(File.ReadAllBytes(path),
                [.. graph.Input.Select(i => i.Name).Where(n => graph.Initializer.All(t => t.Name != n))], [graph.Output[0].Name], Device.Cpu);
            foreach (var pred in new[] { true, false })
            {
                var actual = session.Run([x, NDArray.Scalar(pred)])[0].ToArray<float>();
                AssertClose(Reference(variables, x, pred), actual, $"If, pred {pred}");
                // The select form: the same branches under an array predicate (without counters, which would become arrays).
                var select = Core.Apply(Plain)(variables, x, NDArray.From([pred], 1, 1)).ToArray<float>();
                AssertClose(select, actual, $"select form, pred {pred}");
            }
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void OnlyTheTakenBranchsCounterSurvives()
    {
        var x = NDArray.From(Xs.Select(v => (float)v).ToArray(), 2, 3);
        var (_, variables) = Core.Init(Counted)(PrngKey.Create(0), x, NDArray.Scalar(false));
        Assert.AreEqual((0, 1), Counts(variables));
        foreach (var (pred, expected) in new[] { (false, (0, 2)), (false, (0, 3)), (true, (1, 3)) })
        {
            var (y, state) = Core.Apply(Counted, "state")(variables, x, NDArray.Scalar(pred));
            variables = variables.Copy(state);
            Assert.AreEqual(expected, Counts(variables));
            AssertClose(Reference(variables, x, pred), y.ToArray<float>(), $"pred {pred}");
        }
    }

    private static (int True, int False) Counts(VariableDict v) =>
        (((NDArray)v.Flatten()["state/true_count"]).Item<int>(), ((NDArray)v.Flatten()["state/false_count"]).Item<int>());

    [TestMethod]
    public void SwitchClampsTheIndexAndCountsOnlyTheTakenBranch()
    {
        static Tensor F(Scope scope, Tensor x, Tensor index)
        {
            foreach (var name in new[] { "a", "b", "c" }) scope.Variable<Tensor>("state", name, () => NDArray.Scalar(0));
            return Flax.Lift.Switch(index, [Branch("a", false), Branch("b", true), Branch("c", false)], scope, x);
        }
        var x = NDArray.From(Xs.Select(v => (float)v).ToArray(), 2, 3);
        var (_, variables) = Core.Init(F)(PrngKey.Create(0), x, NDArray.Scalar(1));
        foreach (var (index, taken) in new[] { (-3, "a"), (1, "b"), (2, "c"), (9, "c") })
        {
            var (y, state) = Core.Apply(F, "state")(variables, x, NDArray.Scalar(index));
            var counts = state.Flatten().ToDictionary(kv => kv.Key, kv => ((NDArray)kv.Value).Item<int>());
            var before = variables.Flatten().Where(kv => kv.Key.StartsWith("state/", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => ((NDArray)kv.Value).Item<int>());
            foreach (var name in new[] { "a", "b", "c" })
                Assert.AreEqual(before[$"state/{name}"] + (name == taken ? 1 : 0), counts[$"state/{name}"], $"index {index}, counter {name}");
            AssertClose(Reference(variables, x, taken != "b"), y.ToArray<float>(), $"index {index}");
        }
        // An int64 index beyond the int32 range is clamped to the last branch, not wrapped.
        var (big, _) = Core.Apply(F, "state")(variables, x, NDArray.Scalar((1L << 32) + 1));
        AssertClose(Reference(variables, x, true), big.ToArray<float>(), "index 2^32 + 1");
    }

    /// <summary>loss = sum(c * cond(pred, tanh(x @ w), 2 * x @ w)), float64.</summary>
    private static double HostLoss(double[] w, double[] x, double[] c, bool pred)
    {
        double loss = 0;
        for (int r = 0; r < 2; r++)
            for (int j = 0; j < 2; j++)
            {
                double s = 0;
                for (int i = 0; i < 3; i++) s += x[r * 3 + i] * w[i * 2 + j];
                loss += c[r * 2 + j] * (pred ? Math.Tanh(s) : 2 * s);
            }
        return loss;
    }

    private static Tensor Loss(Scope scope, Tensor x, Tensor c, Tensor pred)
    {
        Tensor Proj(Scope s, Tensor h) => Tensor.MatMul(h, s.Param<Tensor>("w", Initializers.Normal(0.5), [3, 2], DType.Float64));
        var y = Flax.Lift.Cond(pred, (s, h) => Proj(s, h).Tanh(), (s, h) => Proj(s, h) * 2.0, scope, x);
        return (y * c).Sum();
    }

    [TestMethod]
    public void GradientThroughCondEqualsFiniteDifferences()
    {
        var x = NDArray.From(Xs, 2, 3);
        double[] cs = [0.3, -0.7, 1.1, 0.4];
        var c = NDArray.From(cs, 2, 2);
        foreach (var pred in new[] { true, false })
        {
            var p = NDArray.Scalar(pred);
            var (_, variables) = Core.Init((Scope s, Tensor h, Tensor k) => Loss(s, h, k, p))(PrngKey.Create(0), x, c);
            Tensor WithGrads(Scope scope, Tensor xs, Tensor ks)
            {
                var (value, grads) = Core.ValueAndGrad(s => Loss(s, xs, ks, p), scope);
                scope.PutVariable("grads", "w", grads.Flatten()["params/w"]);
                return value;
            }
            var (loss, mutated) = Core.Apply(WithGrads, "grads")(variables, x, c);
            var w = ((NDArray)variables.Flatten()["params/w"]).ToArray<double>();
            Assert.IsTrue(Math.Abs(loss.Item<double>() - HostLoss(w, Xs, cs, pred)) <= 1e-12, $"loss, pred {pred}");
            var grad = ((NDArray)mutated.Flatten()["grads/w"]).ToArray<double>();
            FiniteDifferences.AssertGradient(v => HostLoss(v, Xs, cs, pred), w, grad, $"pred {pred}: ");
        }
    }

    /// <summary>Under <c>vmap</c> the cond's batching rule selects per index (a batched predicate) or for all indices
    /// (a predicate fixed inside the body): <c>cond(p, 2 x, -x)</c> per row against an explicit loop.</summary>
    [TestMethod]
    public void VmapSelectsPerIndex()
    {
        var x = NDArray.From([1f, 2, 3, -4, 5, 6, 0.5f, -1, 7, 8, -9, 10], 4, 3);
        bool[] preds = [true, false, false, true];
        var perRow = Flax.Lift.Vmap((Scope s, Tensor row, Tensor p) => Flax.Lift.Cond(p, (_, h) => h * 2f, (_, h) => -h, s, row),
            new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>());
        var y = Core.Apply((Scope s, Tensor a, Tensor p) => perRow(s, a, p))(VariableDict.Empty, x, NDArray.From(preds, 4));
        var expected = x.ToArray<float>().Select((v, i) => preds[i / 3] ? v * 2 : -v).ToArray();
        CollectionAssert.AreEqual(expected, y.ToArray<float>());
        foreach (var fixedPred in new[] { true, false })
        {
            var shared = Flax.Lift.Vmap((Scope s, Tensor row) => Flax.Lift.Cond((Tensor)NDArray.Scalar(fixedPred), (_, h) => h * 2f, (_, h) => -h, s, row),
                new Dictionary<Filter, int?>(), new Dictionary<Filter, bool>());
            var z = Core.Apply((Scope s, Tensor a) => shared(s, a))(VariableDict.Empty, x);
            CollectionAssert.AreEqual(x.ToArray<float>().Select(v => fixedPred ? v * 2 : -v).ToArray(), z.ToArray<float>(), $"pred {fixedPred}");
        }
    }

    [TestMethod]
    public void SelectFormExpansionEqualsTheCond()
    {
        foreach (int branches in new[] { 1, 2, 3 })
        {
            var program = LoweringCrossCheckTests.CondProgram(branches);
            var expanded = CondExpansion.Expand(program);
            Assert.IsFalse(expanded.Eqns.Any(e => e.Primitive == Primitive.Cond));
            ProgramChecker.Check(expanded);
            var x = NDArray.From([0.5f, -1f, 2f, 0.25f, 1.5f, -0.75f], 2, 3);
            foreach (int index in new[] { -2, 0, 1, 2, 4 })
            {
                var none = new Dictionary<string, NDArray>();
                var expected = Evaluator.Run(program, [NDArray.Scalar(index), x, NDArray.Scalar(7)], none);
                var actual = Evaluator.Run(expanded, [NDArray.Scalar(index), x, NDArray.Scalar(7)], none);
                CollectionAssert.AreEqual(expected[0].ToArray<float>(), actual[0].ToArray<float>(), $"{branches} branches, index {index}");
                Assert.AreEqual(expected[1].Item<int>(), actual[1].Item<int>(), $"{branches} branches, index {index}");
            }
        }
    }

    [TestMethod]
    public void ShapeInferenceRejectsIllFormedConds()
    {
        var good = LoweringCrossCheckTests.CondProgram(2);
        var c = (CondParams)good.Eqns[0].Params;
        TensorType[] ins = [new(DType.Int32), new(DType.Float32, -1, 3), new(DType.Int32)];
        void Throws(string message, CondParams p, params TensorType[] types)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => ShapeInference.InferAll(Primitive.Cond, p, types));
            Assert.AreEqual(message, e.Message);
        }
        Throws("Empty branch sequence", new CondParams([]), ins);
        Throws("cond's index must be an int32 scalar, got i64[].", c, [new(DType.Int64), ins[1], ins[2]]);
        Throws("cond's index must be an int32 scalar, got no input.", c);
        Throws("cond's branch 0 must read the 1 operand(s), got 2 input(s).", c, [ins[0], ins[1]]);
        Throws("cond's branch 0 reads operand 1 as i32[], given f32[].", c, [ins[0], ins[1], new(DType.Float32)]);
        var withConstant = c.Branches[0] with { Constants = [new ProgramConstant(new Var(new TensorType(DType.Float32)), NDArray.Scalar(1f))] };
        Throws("cond's branch 0 must be closed, got 0 parameter(s) and 1 constant(s).", new CondParams([withConstant, c.Branches[1]]), ins);
        var third = LoweringCrossCheckTests.CondProgram(3);
        var other = ((CondParams)third.Eqns[0].Params).Branches[0];
        var fewer = other with { Outputs = [other.Outputs[0]] };
        Throws("branches must have equal output types, got (f32[?,3], i32[]) and (f32[?,3]) from branch 1.", new CondParams([c.Branches[0], fewer]), ins);
    }

    /// <summary>A cond of one output inside a jitted body is replayed on the second call (a cache hit inlines the
    /// recorded program, cond included), and the replay computes the taken branch like the first trace.</summary>
    [TestMethod]
    public void JitReplaysAProgramHoldingACond()
    {
        var x = NDArray.From(Xs.Select(v => (float)v).ToArray(), 2, 3);
        var (_, variables) = Core.Init(Plain)(PrngKey.Create(0), x, NDArray.Scalar(true));
        foreach (var pred in new[] { true, false })
        {
            var jitted = Flax.Lift.Jit<Tensor, Tensor>((scope, h) => Plain(scope, h, NDArray.Scalar(pred)));
            Tensor Twice(Scope scope, Tensor h) => jitted(scope, h) + jitted(scope, h);
            var y = Core.Apply(Twice)(variables, x);
            AssertClose([.. Reference(variables, x, pred).Select(v => 2 * v)], y.ToArray<float>(), $"pred {pred}");
        }
    }
}
