using Flax.Lowering.Proto;
using Flax.Tests.Lowering;

namespace Flax.Tests.Ir;

/// <summary>Clamp folding: the ReLU's <c>select(x &lt;= 0, 0, x)</c> lowers to one <c>max(x, 0)</c>, with the same
/// values as the reference evaluator computes for the select (NaN, signed zeros and infinities included), and nothing
/// else folds.</summary>
[TestClass]
public sealed class ClampFoldingTests
{
    private static readonly NDArray Specials = NDArray.From([float.NaN, -0f, 0f, -1.5f, 2.5f, float.NegativeInfinity, float.PositiveInfinity, 1e-45f, -1e-45f], 9);

    private static Tensor ReluGradient(Scope scope, Tensor x)
    {
        var (output, backward) = Core.Vjp((s, xs) => Flax.Nn.Relu(xs[0]) * 3, scope, [x]);
        return output + backward(output * 0 + 1).Item2[0];
    }

    [TestMethod]
    public void ReluSelectBecomesMaxAndItsComparisonStaysForTheGradient()
    {
        var program = CommonSubexpressions.Simplify(Core.MakeProgram(ReluGradient, VariableDict.Empty, new TensorSpec(DType.Float32, 9)));

        var folded = ProgramChecker.Check(ClampFolding.Fold(program));

        Assert.AreEqual(1, folded.Eqns.Count(e => e.Primitive == Primitive.Max), folded.ToString());
        Assert.AreEqual(1, folded.Eqns.Count(e => e.Primitive == Primitive.Le), folded.ToString());
        Assert.AreEqual(program.Eqns.Count(e => e.Primitive == Primitive.Select) - 1, folded.Eqns.Count(e => e.Primitive == Primitive.Select), folded.ToString());
        ReferenceCheck.AssertMatches(program, [Specials], atol: 0, rtol: 0);
    }

    [TestMethod]
    public void InferenceGraphComputesTheReluAsOneMax()
    {
        static Tensor Model(Scope scope, Tensor x) => Flax.Nn.Relu(x - 1);
        var program = Core.MakeProgram(Model, VariableDict.Empty, new TensorSpec(DType.Float32, -1, 9));
        var graph = ModelProto.Parser.ParseFrom(Lowerer.Lower(program, ["x"]).ToBytes()).Graph;

        var ops = graph.Node.Select(n => n.OpType).ToArray();
        CollectionAssert.AreEqual(new[] { "Sub", "Max" }, ops.Where(o => o != "Constant").ToArray(), string.Join(", ", ops));
        ReferenceCheck.AssertMatches(program, [NDArray.From([.. Specials.ToArray<float>(), .. Specials.ToArray<float>()], 2, 9)], atol: 0, rtol: 0);
        static Tensor Doubled(Scope scope, Tensor x) => Flax.Nn.Relu(x * 2);
        var y = Core.Apply(Doubled, device: Device.Cpu)(VariableDict.Empty, NDArray.From([-0f, float.NaN, 0.25f, -3f], 1, 4)).ToArray<float>();
        // A zero of either sign (ONNX Runtime's Max may keep -0), NaN itself (not 0), 0.5, 0.
        Assert.IsTrue(y[0] == 0 && float.IsNaN(y[1]) && y[2] == 0.5f && y[3] == 0, string.Join(", ", y));
    }

    /// <summary>A model whose runs feed its constants (<see cref="ParameterForm.FedWithConstants"/>) may be run with
    /// another clamp value than the trace's zero, so neither its ReLU nor its pooling gradient mask is rewritten.</summary>
    [TestMethod]
    public void FedConstantsAreNotMatched()
    {
        static Tensor Model(Scope scope, Tensor x)
        {
            var (output, backward) = Core.Vjp((s, xs) => Flax.Nn.MaxPool(Flax.Nn.Relu(xs[0]), [2, 2], [2, 2]), scope, [x]);
            return backward(output).Item2[0];
        }
        var program = Core.MakeProgram(Model, VariableDict.Empty, new TensorSpec(DType.Float32, -1, 4, 4, 2));
        var graph = ModelProto.Parser.ParseFrom(Lowerer.Lower(program, ["x"], ParameterForm.FedWithConstants).ToBytes()).Graph;

        var ops = graph.Node.Select(n => n.OpType).ToArray();
        Assert.AreEqual(0, ops.Count(o => o == "Max"), string.Join(", ", ops));
        Assert.AreEqual(3, ops.Count(o => o == "Where"), string.Join(", ", ops) + " (the ReLU, the scatter, the ReLU's gradient)");
    }

    [TestMethod]
    public void OnlyAZeroClampOfTheComparedValueFolds()
    {
        static Program Trace(Func<Tensor, Tensor, Tensor> f)
        {
            using var trace = new TraceContext();
            var x = trace.AddInput(new TensorSpec(DType.Float32, 2, 3));
            var y = trace.AddInput(new TensorSpec(DType.Float32, 2, 3));
            trace.AddOutput("output_0", f(x, y));
            return CommonSubexpressions.Simplify(trace.Finish());
        }
        Program[] kept =
        [
            Trace((x, y) => Tensor.Where(x <= 0.0, 0.0, y)),                  // another operand
            Trace((x, y) => Tensor.Where(x <= 1.0, 0.0, x)),                  // compared with 1
            Trace((x, y) => Tensor.Where(x <= 0.0, 1.0, x)),                  // clamped to 1
            Trace((x, y) => Tensor.Where(x > 0.0, x, 0.0)),                   // a NaN gives 0, not NaN
            Trace((x, y) => Tensor.Where(x >= 0.0, 0.0, x)),                  // the other side
        ];
        foreach (var program in kept)
            Assert.AreSame(program, ClampFolding.Fold(program), program.ToString());
        Program[] folds =
        [
            Trace((x, y) => Tensor.Where(x < 0.0, 0.0, x) + y),                                                  // strictly below
            Trace((x, y) => Tensor.Where(x.Slice([0, 0], [1, 3]) <= 0.0, 0.0, x.Slice([0, 0], [1, 3])) + y),   // a computed operand
        ];
        foreach (var program in folds)
        {
            Assert.AreEqual(1, ClampFolding.Fold(program).Eqns.Count(e => e.Primitive == Primitive.Max), program.ToString());
            ReferenceCheck.AssertMatches(program, [NDArray.From(Specials.ToArray<float>()[..6], 2, 3), NDArray.From([1f, 2, 3, 4, 5, 6], 2, 3)], atol: 0, rtol: 0);
        }
    }
}
