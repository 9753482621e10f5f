using Flax.Tests.Lowering;

namespace Flax.Tests.Ir;

/// <summary>The <see cref="Primitive.While"/> equation in the IR: the reference evaluator against an explicit loop, the
/// printed form with its sub-programs, the checker's errors, and common-subexpression elimination.</summary>
[TestClass]
public sealed class WhileIrTests
{
    private static TensorType F32(params int[] dims) => new(DType.Float32, dims);

    [TestMethod]
    public void EvaluatorRunsTheLoop()
    {
        var program = ProgramChecker.Check(LoweringCrossCheckTests.WhileProgram());
        var s = NDArray.From([0.5f, 1f, 2f], 1, 3);
        var x = NDArray.From([1f, 2f, 3f, -1f, 0f, 0.25f], 2, 3);
        var outputs = Evaluator.Run(program, [NDArray.Scalar(3), NDArray.Scalar(1), s, NDArray.Scalar(0), x], new Dictionary<string, NDArray>());
        var expected = x.ToArray<float>();
        int i = 0;
        while (i < 3)
        {
            for (int k = 0; k < expected.Length; k++) expected[k] = expected[k] * s.ToArray<float>()[k % 3] + expected[k];
            i++;
        }
        Assert.AreEqual(3, outputs[0].Item<int>());
        CollectionAssert.AreEqual(expected, outputs[1].ToArray<float>());
    }

    [TestMethod]
    public void PrintsItsPrograms()
    {
        var text = LoweringCrossCheckTests.WhileProgram().ToString();
        StringAssert.Contains(text, "f:i32[] g:f32[?,3] = while[body_jaxpr={ lambda  ; a:i32[] b:f32[1,3] c:i32[] d:f32[?,3]. let\n");
        StringAssert.Contains(text, "cond_jaxpr={ lambda  ; a:i32[] b:i32[] c:f32[?,3]. let\n    d:bool[] = lt b a\n  in (output_0=d) } cond_nconsts=1] a b c d e  # /Layer_0");
    }

    [TestMethod]
    public void BodyChangingTheCarryTypeIsRejected()
    {
        var program = LoweringCrossCheckTests.WhileProgram();
        var w = (WhileParams)program.Eqns[0].Params;
        var (one, s, i, x, y) = (new Var(new TensorType(DType.Int32)), new Var(F32(1, 3)), new Var(new TensorType(DType.Int32)), new Var(F32(-1, 3)), new Var(F32(-1, 1)));
        var body = new Program([one, s, i, x], [], [], [new Eqn(Primitive.ReduceSum, [x], new ReduceParams([1]), [new Var(F32(-1))], "")], []);
        body = body with
        {
            Eqns = [.. body.Eqns, new Eqn(Primitive.Reshape, [body.Eqns[0].Outputs[0]], new ReshapeParams([-1, 1]), [y], "")],
            Outputs = [new ProgramOutput("output_0", i), new ProgramOutput("output_1", y)],
        };
        var bad = program with { Eqns = [program.Eqns[0] with { Params = w with { Body = body } }] };
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(bad));
        StringAssert.StartsWith(e.Message, "while_loop body function carry input and carry output must have equal types, but carry[1] is f32[?,3] on input and f32[?,1] on output.");
    }

    [TestMethod]
    public void SubProgramWithConstantsIsRejected()
    {
        var program = LoweringCrossCheckTests.WhileProgram();
        var w = (WhileParams)program.Eqns[0].Params;
        var withConstant = w.Cond with { Constants = [new ProgramConstant(new Var(F32(2)), NDArray.From([1f, 2f], 2))] };
        var bad = program with { Eqns = [program.Eqns[0] with { Params = w with { Cond = withConstant } }] };
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(bad));
        StringAssert.StartsWith(e.Message, "while's cond program must be closed, got 0 parameter(s) and 1 constant(s).");
    }

    [TestMethod]
    public void CondOrBodyGivingOtherOutputsIsRejected()
    {
        var program = LoweringCrossCheckTests.WhileProgram();
        var w = (WhileParams)program.Eqns[0].Params;
        ProgramCheckException Check(WhileParams bad) =>
            Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program with { Eqns = [program.Eqns[0] with { Params = bad }] }));
        var twoPreds = w with { Cond = w.Cond with { Outputs = [w.Cond.Outputs[0], w.Cond.Outputs[0] with { Name = "output_1" }] } };
        StringAssert.StartsWith(Check(twoPreds).Message, "while's cond program must give one bool scalar, got (bool[], bool[]).\n");
        var shortBody = w with { Body = w.Body with { Outputs = [w.Body.Outputs[0]] } };
        StringAssert.StartsWith(Check(shortBody).Message, "while's body program must give the 2 carry value(s), got 1.\n");
    }

    [TestMethod]
    public void CommonSubexpressionsMergeEqualLoopsOnly()
    {
        var program = LoweringCrossCheckTests.WhileProgram();
        var loop = program.Eqns[0];
        var w = (WhileParams)loop.Params;
        var twin = loop with { Outputs = [new Var(loop.Outputs[0].Type), new Var(loop.Outputs[1].Type)] };
        // Equal params in a new record instance (params compare by their printed form, sub-programs included).
        var rebuilt = loop with { Params = w with { }, Outputs = [new Var(loop.Outputs[0].Type), new Var(loop.Outputs[1].Type)] };
        var cond2 = w.Cond with { Eqns = [w.Cond.Eqns[0] with { Primitive = Primitive.Le }] };
        var different = loop with { Params = w with { Cond = cond2 }, Outputs = [new Var(loop.Outputs[0].Type), new Var(loop.Outputs[1].Type)] };
        var all = program with
        {
            Eqns = [loop, twin, rebuilt, different],
            Outputs = [.. new[] { loop, twin, rebuilt, different }.SelectMany((e, k) => e.Outputs.Select((v, j) => new ProgramOutput($"o{k}_{j}", v)))],
        };
        var simplified = CommonSubexpressions.Eliminate(ProgramChecker.Check(all));
        Assert.AreEqual(2, simplified.Eqns.Length);
        Assert.AreSame(loop.Outputs[1], simplified.Outputs[3].Var);
        Assert.AreSame(different.Outputs[1], simplified.Outputs[7].Var);
    }
}
