using Flax.Examples.Design;
using Flax.Tests.Nn;

namespace Flax.Tests.Design;

/// <summary>Flax's <c>core_custom_vjp_test.py</c> (<c>CustomVJPTest</c>).</summary>
[TestClass]
public sealed class CustomVjpDesignTests
{
    /// <summary>The gradients of <c>mean(apply(model)(variables, x) ** 2)</c> with respect to the parameters, nested as
    /// the parameters (<c>params/out/kernel</c>).</summary>
    internal static Dictionary<string, NDArray> ParamGrads(Func<Scope, Tensor, Tensor> model, VariableDict variables, NDArray x)
    {
        Tensor WithGrads(Scope scope, Tensor input)
        {
            var (loss, grads) = Core.ValueAndGrad(s =>
            {
                var y = model(s, input);
                return (y * y).Mean();
            }, scope);
            scope.PutVariable("grads", "params", grads["params"]);
            return loss;
        }
        var (_, mutated) = Core.Apply(WithGrads, "grads")(variables, x);
        return mutated.Flatten().ToDictionary(leaf => leaf.Key["grads/".Length..], leaf => (NDArray)leaf.Value);
    }

    /// <summary><c>test_custom_vjp</c>: <c>y (1, 1)</c>; params and their gradients have the MLP's shapes; every gradient
    /// leaf equals its sign. Beyond Flax: the gradients are the signs of the true gradients of the same MLP without the
    /// custom rule (the rule signs each layer's parameter cotangents and passes the input cotangent on unchanged), and
    /// at least one is not zero, so the sign check cannot pass vacuously.</summary>
    [TestMethod]
    public void CustomVjp()
    {
        var x = Prng.Normal(PrngKey.Create(0), [1, 4]);
        var (y, variables) = Core.Init(CustomVjpMlp.Model)(PrngKey.Create(1), x);
        var expected = new[] { ("hidden_0/bias", "(8,)"), ("hidden_0/kernel", "(4, 8)"), ("out/bias", "(1,)"), ("out/kernel", "(8, 1)") };
        ShapeTree.AssertEqual(variables, expected);
        CollectionAssert.AreEqual(new[] { 1, 1 }, y.Shape);

        var grads = ParamGrads(CustomVjpMlp.Model, variables, x);
        ShapeTree.AssertEqual(new VariableDict(("params", VariableDict.Unflatten(grads.Select(g => KeyValuePair.Create(g.Key["params/".Length..], (object)g.Value))))), expected);
        foreach (var (path, grad) in grads)
            foreach (var g in grad.ToArray<float>()) Assert.AreEqual(MathF.Sign(g), g, path);

        var trueGrads = ParamGrads(Mlp.Model, variables, x);
        foreach (var (path, grad) in grads)
            CollectionAssert.AreEqual(trueGrads[path].ToArray<float>().Select(g => (float)MathF.Sign(g)).ToArray(), grad.ToArray<float>(), path);
        Assert.IsTrue(grads.Values.Any(g => g.ToArray<float>().Any(v => v != 0)));
    }

    /// <summary>Without a gradient the custom-gradient MLP computes the plain MLP: same output for the same variables.</summary>
    [TestMethod]
    public void ApplyEqualsThePlainMlp()
    {
        var x = Prng.Normal(PrngKey.Create(3), [5, 4]);
        var (_, variables) = Core.Init(CustomVjpMlp.Model)(PrngKey.Create(1), x);
        CollectionAssert.AreEqual(Core.Apply(Mlp.Model)(variables, x).ToArray<float>(), Core.Apply(CustomVjpMlp.Model)(variables, x).ToArray<float>());
    }
}
