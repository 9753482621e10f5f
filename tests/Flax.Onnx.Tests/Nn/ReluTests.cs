namespace Flax.Tests.Nn;

/// <summary><see cref="Flax.Nn.Relu"/>'s values and <c>jax.nn.relu</c>'s gradient, on ONNX Runtime.</summary>
[TestClass]
public sealed class ReluTests
{
    /// <summary>jax.nn.relu(x) and jax.grad(lambda x: jax.nn.relu(x).sum())(x) at [-2, -0, 0, 0.5, 3, nan]: values
    /// [0, 0, 0, 0.5, 3, nan], gradient [0, 0, 0, 1, 1, ...] (0 at 0, unlike lax.max's 0.5); the graph computes one
    /// comparison, shared by the forward and backward passes.</summary>
    [TestMethod]
    public void ValuesAndGradient()
    {
        static Tensor Model(Scope scope, Tensor x)
        {
            var (output, backward) = Core.Vjp((s, xs) => Flax.Nn.Relu(xs[0]), scope, [x]);
            scope.PutVariable("grads", "x", backward(output * 0 + 1).Item2[0]);
            return output;
        }
        var x = NDArray.From([-2f, -0f, 0f, 0.5f, 3f, float.NaN], 6);
        var (y, mutated) = Core.Apply(Model, "grads", device: Device.Cpu)(VariableDict.Empty, x);
        CollectionAssert.AreEqual(new[] { 0f, 0, 0, 0.5f, 3, float.NaN }, y.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 0f, 0, 0, 1, 1 }, ((NDArray)mutated.Flatten()["grads/x"]).ToArray<float>()[..5]);
        static Tensor Gradient(Scope scope, Tensor x)
        {
            var (output, backward) = Core.Vjp((s, xs) => Flax.Nn.Relu(xs[0]), scope, [x]);
            return backward(output * 0 + 1).Item2[0];
        }
        var program = CommonSubexpressions.Simplify(Core.MakeProgram(Gradient, VariableDict.Empty, new TensorSpec(DType.Float32, 6)));
        Assert.AreEqual(1, program.Eqns.Count(e => e.Primitive is Primitive.Le or Primitive.Gt or Primitive.Eq or Primitive.Max), program.ToString());
    }
}
