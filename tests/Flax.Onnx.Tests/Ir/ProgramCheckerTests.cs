namespace Flax.Tests.Ir;

[TestClass]
public sealed class ProgramCheckerTests
{
    private static TensorType F32(params int[] shape) => new(DType.Float32, shape);

    private static Eqn Exp(Var input, Var output) => new(Primitive.Exp, [input], EqnParams.None, [output], "");

    [TestMethod]
    public void ReadBeforeBound()
    {
        var (a, b, c) = (new Var(F32(2)), new Var(F32(2)), new Var(F32(2)));
        var program = new Program([a], [], [], [Exp(b, c), Exp(a, b)], [new ProgramOutput("output_0", c)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            Variable 'c' is read before it is bound.
            while checking program:
            >>  b:f32[2] = exp c
                c:f32[2] = exp a
            """, e.Message);
        Assert.AreEqual(0, e.EqnIndex);
    }

    [TestMethod]
    public void BoundTwice()
    {
        var (a, b) = (new Var(F32(2)), new Var(F32(2)));
        var program = new Program([a], [], [], [Exp(a, b), Exp(b, b)], [new ProgramOutput("output_0", b)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            Variable 'b' is already bound.
            while checking program:
                b:f32[2] = exp a
            >>  b:f32[2] = exp b
            """, e.Message);
    }

    [TestMethod]
    public void SingleOutputPrimitiveWithTwoBinders()
    {
        var (a, b, c) = (new Var(F32(2)), new Var(F32(2)), new Var(F32(2)));
        var program = new Program([a], [], [], [new Eqn(Primitive.Exp, [a], EqnParams.None, [b, c], "")], [new ProgramOutput("output_0", b)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            exp binds 1 variable, got 2.
            while checking program:
            >>  b:f32[2] c:f32[2] = exp a
            """, e.Message);
    }

    [TestMethod]
    public void InconsistentlyTypedBinder()
    {
        var (a, b) = (new Var(F32(2)), new Var(F32(3)));
        var program = new Program([a], [], [], [Exp(a, b)], [new ProgramOutput("output_0", b)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            Variable 'b' is typed f32[3] but exp gives f32[2].
            while checking program:
            >>  b:f32[3] = exp a
            """, e.Message);
    }

    [TestMethod]
    public void EquationRejectedByShapeInference()
    {
        var (a, b, c) = (new Var(F32(2, 3)), new Var(F32(3, 2)), new Var(F32(2, 3)));
        var add = new Eqn(Primitive.Add, [a, b], EqnParams.None, [c], "/Dense_0");
        var program = new Program([a, b], [], [], [add], [new ProgramOutput("output_0", c)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            add got incompatible shapes for broadcasting: f32[2,3], f32[3,2].
            while checking program:
            >>  c:f32[2,3] = add a b  # /Dense_0
            """, e.Message);
    }

    [TestMethod]
    public void WrongParamsRecord()
    {
        var (a, b) = (new Var(F32(2, 3)), new Var(F32(3, 2)));
        var eqn = new Eqn(Primitive.Transpose, [a], new ReduceParams([0]), [b], "");
        var program = new Program([a], [], [], [eqn], [new ProgramOutput("output_0", b)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            transpose expects TransposeParams, got ReduceParams[axes=(0,)].
            while checking program:
            >>  b:f32[3,2] = transpose[axes=(0,)] a
            """, e.Message);
    }

    [TestMethod]
    public void DuplicateParameterPath()
    {
        var (k1, k2, x, y) = (new Var(F32(2)), new Var(F32(2)), new Var(F32(2)), new Var(F32(2)));
        var program = new Program([x], [new ProgramParameter("params/kernel", k1), new ProgramParameter("params/kernel", k2)], [],
            [new Eqn(Primitive.Add, [x, k1], EqnParams.None, [y], "")], [new ProgramOutput("output_0", y)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            Duplicate parameter path 'params/kernel'.
            while checking program:
                b:f32[2] = add a params/kernel
            """, e.Message);
    }

    [TestMethod]
    public void ConstantMustMatchItsValue()
    {
        var (c, x, y) = (new Var(F32(3)), new Var(F32(2)), new Var(F32(2)));
        var program = new Program([x], [], [new ProgramConstant(c, NDArray.From([1f, 2f], 2))],
            [new Eqn(Primitive.Exp, [x], EqnParams.None, [y], "")], [new ProgramOutput("output_0", y)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            Constant 'b' is typed f32[3] but holds a float32 array of shape (2,).
            while checking program:
                c:f32[2] = exp a
            """, e.Message);
    }

    [TestMethod]
    public void DynamicSizeNeedsADynamicInput()
    {
        var (a, b) = (new Var(F32(2)), new Var(F32(-1, 2)));
        var broadcast = new Eqn(Primitive.BroadcastInDim, [a], new BroadcastInDimParams([-1, 2], [1]), [b], "");
        var program = new Program([a], [], [], [broadcast], [new ProgramOutput("output_0", b)]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        Assert.AreEqual("""
            Variable 'b' has the dynamic batch size but no program input has a dynamic axis to take it from.
            while checking program:
            >>  b:f32[?,2] = broadcast_in_dim[broadcast_dimensions=(1,) shape=(None, 2)] a
            """, e.Message);
    }

    [TestMethod]
    public void MessageOfALongProgramIsBounded()
    {
        var vars = Enumerable.Range(0, 201).Select(_ => new Var(F32(2))).ToArray();
        var eqns = Enumerable.Range(0, 200).Select(i => Exp(vars[i], vars[i + 1])).ToArray();
        eqns[100] = Exp(new Var(F32(2)), vars[101]);
        var program = new Program([vars[0]], [], [], [.. eqns], [new ProgramOutput("output_0", vars[200])]);
        var e = Assert.ThrowsExactly<ProgramCheckException>(() => ProgramChecker.Check(program));
        var lines = e.Message.Split('\n');
        Assert.HasCount(11, lines);
        Assert.AreEqual("    ...", lines[2]);
        Assert.AreEqual(">>  dx:f32[2] = exp ht", lines[6]);
        Assert.AreEqual("    ...", lines[10]);
    }
}
