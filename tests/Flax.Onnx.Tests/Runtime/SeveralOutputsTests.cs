using static Flax.Tests.Runtime.TracedModels;

namespace Flax.Tests.Runtime;

/// <summary>
/// <c>Core.InitOutputs</c> / <c>Core.ApplyOutputs</c>: a model returning several tensors (logits and the hidden
/// embedding they are computed from) runs as one program whose outputs are checked against float64 host references
/// (1e-5 + 1e-5·|expected|) and against <c>Core.Init</c>/<c>Core.Apply</c> of the one-output model.
/// </summary>
[TestClass]
public sealed class SeveralOutputsTests
{
    /// <summary>The MLP's logits and its hidden ReLU layer (the same parameters as <see cref="TracedModels.Mlp"/>).</summary>
    private static Tensor[] Heads(Scope scope, Tensor x)
    {
        var hidden = Tensor.Maximum(Dense(scope.Push("hidden"), x, 8), 0.0);
        return [Dense(scope.Push("out"), hidden, 3), hidden];
    }

    /// <summary>The hidden layer in float64 on the host.</summary>
    private static double[,] HostHidden(VariableDict variables, NDArray x)
    {
        var flat = variables.Flatten();
        var kernel = (NDArray)flat["params/hidden/kernel"];
        var bias = ((NDArray)flat["params/hidden/bias"]).ToArray<float>();
        var output = new double[x.Shape[0], 8];
        for (int i = 0; i < x.Shape[0]; i++)
            for (int j = 0; j < 8; j++)
            {
                double sum = bias[j];
                for (int t = 0; t < x.Shape[1]; t++) sum += x.Get<float>(i, t) * (double)kernel.Get<float>(t, j);
                output[i, j] = Math.Max(sum, 0);
            }
        return output;
    }

    [TestMethod]
    public void InitOutputsCreatesTheOneOutputModelsVariablesAndComputesEachOutput()
    {
        var x = Batch(3);
        var (outputs, variables) = Core.InitOutputs(Heads, device: Device.Cpu)(PrngKey.Create(0), x);
        var (_, expected) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(0), x);

        Assert.HasCount(2, outputs);
        CollectionAssert.AreEqual(expected.Flatten().Keys.ToArray(), variables.Flatten().Keys.ToArray());
        foreach (var (path, value) in expected.Flatten())
            CollectionAssert.AreEqual(((NDArray)value).ToArray<float>(), ((NDArray)variables.Flatten()[path]).ToArray<float>(), path);
        AssertClose(HostMlp(variables, x), outputs[0]);
        AssertClose(HostHidden(variables, x), outputs[1]);
    }

    [TestMethod]
    public void ApplyOutputsMatchesTheHostReferencesAndApply()
    {
        var (_, variables) = Core.Init(Mlp, device: Device.Cpu)(PrngKey.Create(1), Batch(1));
        var apply = Core.ApplyOutputs(Heads, device: Device.Cpu);
        foreach (int rows in new[] { 5, 1, 37 })
        {
            var x = Batch(rows, seed: rows);
            var outputs = apply(variables, x);
            Assert.HasCount(2, outputs);
            AssertClose(HostMlp(variables, x), outputs[0]);
            AssertClose(HostHidden(variables, x), outputs[1]);
            CollectionAssert.AreEqual(Core.Apply(Mlp, device: Device.Cpu)(variables, x).ToArray<float>(), outputs[0].ToArray<float>());
        }
    }

    [TestMethod]
    public void TwoInputsAndAnOutputThatIsAnInput()
    {
        static Tensor[] Model(Scope scope, Tensor a, Tensor b) => [Dense(scope.Push("hidden"), a + b, 8), a, b * 2];
        var (a, b) = (Batch(4, seed: 2), Batch(4, seed: 3));
        var (initOutputs, variables) = Core.InitOutputs(Model, device: Device.Cpu)(PrngKey.Create(0), a, b);

        var outputs = Core.ApplyOutputs(Model, device: Device.Cpu)(variables, a, b);

        Assert.HasCount(3, outputs);
        CollectionAssert.AreEqual(initOutputs[0].ToArray<float>(), outputs[0].ToArray<float>());
        CollectionAssert.AreEqual(a.ToArray<float>(), outputs[1].ToArray<float>());
        CollectionAssert.AreEqual(b.ToArray<float>().Select(v => v * 2).ToArray(), outputs[2].ToArray<float>());
    }

    [TestMethod]
    public void NullOrMissingOutputsThrow()
    {
        var x = Batch(1);
        (Func<Scope, Tensor, Tensor[]> Model, string Message)[] cases =
        [
            ((s, t) => null!, "The model function returned null; it must return the Tensors it computed (e.g. `return [logits, embedding];`)."),
            ((s, t) => [], "The model function returned no outputs; it must return at least one Tensor."),
            ((s, t) => [Dense(s, t, 2), null!], "The model function returned null as output 1; every output must be a Tensor it computed."),
            ((s, t) => [null!, Dense(s, t, 2)], "The model function returned null as output 0; every output must be a Tensor it computed."),
        ];
        foreach (var (model, message) in cases)
        {
            var e = Assert.ThrowsExactly<UntracedOutputException>(() => Core.InitOutputs(model, device: Device.Cpu)(PrngKey.Create(0), x));
            Assert.AreEqual(message, e.Message);
        }
    }
}
