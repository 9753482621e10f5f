using System.Collections.Immutable;

namespace Flax.Tests.Ir;

[TestClass]
public sealed class ProgramTextTests
{
    /// <summary>A hand-built dense layer: y = relu(x @ kernel + bias).</summary>
    private static Program Dense()
    {
        var x = new Var(new TensorType(DType.Float32, -1, 3));
        var kernel = new Var(new TensorType(DType.Float32, 3, 4));
        var bias = new Var(new TensorType(DType.Float32, 4));
        var zero = new Var(new TensorType(DType.Float32, 1, 1));
        var h = new Var(new TensorType(DType.Float32, -1, 4));
        var b2 = new Var(new TensorType(DType.Float32, 1, 4));
        var s = new Var(new TensorType(DType.Float32, -1, 4));
        var y = new Var(new TensorType(DType.Float32, -1, 4));
        return new Program(
            [x],
            [new ProgramParameter("params/Dense_0/kernel", kernel), new ProgramParameter("params/Dense_0/bias", bias)],
            [new ProgramConstant(zero, NDArray.From([0f], 1, 1))],
            [
                new Eqn(Primitive.DotGeneral, [x, kernel], new DotGeneralParams([1], [0], [], []), [h], "/Dense_0"),
                new Eqn(Primitive.Reshape, [bias], new ReshapeParams([1, 4]), [b2], "/Dense_0"),
                new Eqn(Primitive.Add, [h, b2], EqnParams.None, [s], "/Dense_0"),
                new Eqn(Primitive.Max, [s, zero], EqnParams.None, [y], ""),
            ],
            [new ProgramOutput("output_0", y)]);
    }

    [TestMethod]
    public void PrintsDenseLikeAJaxpr()
    {
        const string expected = """
            { lambda params/Dense_0/kernel:f32[3,4] params/Dense_0/bias:f32[4] ; a:f32[?,3]. let
                b:f32[?,4] = dot_general[lhs_batch=() lhs_contracting=(1,) rhs_batch=() rhs_contracting=(0,)] a params/Dense_0/kernel  # /Dense_0
                c:f32[1,4] = reshape[new_sizes=(1, 4)] params/Dense_0/bias  # /Dense_0
                d:f32[?,4] = add b c  # /Dense_0
                e:f32[?,4] = max d 0.0:f32[1,1]
              in (output_0=e) }
            """;
        Assert.AreEqual(expected, Dense().ToString());
    }

    [TestMethod]
    public void CheckerAcceptsDense()
    {
        var program = Dense();
        Assert.AreSame(program, ProgramChecker.Check(program));
    }
}
