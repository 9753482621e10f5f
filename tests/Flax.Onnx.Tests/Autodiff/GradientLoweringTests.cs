using Flax.Tests.Lowering;

namespace Flax.Tests.Autodiff;

/// <summary>
/// Gradient programs lower to ONNX and run on ONNX Runtime: a small CNN's loss and gradients (convolution with
/// padding, ReLU, max and average pooling, a dense layer, log-softmax cross-entropy with integer labels, all with a
/// dynamic batch) agree with the reference evaluator within atol 1e-5 + rtol 1e-4 (float32, with reductions ordered
/// differently).
/// </summary>
[TestClass]
public sealed class GradientLoweringTests
{
    private static Program Cnn(bool averagePool)
    {
        using var trace = new TraceContext();
        var x = trace.AddInput(new TensorSpec(DType.Float32, -1, 6, 6, 2));
        var labels = trace.AddInput(new TensorSpec(DType.Int32, -1, 1));
        var kernel = trace.AddParameter("params/Conv_0/kernel", [3, 3, 2, 4], DType.Float32);
        var dense = trace.AddParameter("params/Dense_0/kernel", [36, 3], DType.Float32);
        var bias = trace.AddParameter("params/Dense_0/bias", [3], DType.Float32);
        var h = Tensor.Maximum(Tensor.ConvGeneralDilated(x, kernel, [1, 1], Padding.Same), 0);
        h = averagePool
            ? h.ReduceWindowSum([1, 2, 2, 1], [1, 2, 2, 1], Padding.Valid) * 0.25
            : h.ReduceWindowMax([1, 3, 3, 1], [1, 2, 2, 1], Padding.Same);
        var logits = Tensor.MatMul(h.Reshape(-1, 36), dense) + bias;
        var loss = -logits.LogSoftmax().TakeAlongAxis(labels, 1).Mean();
        trace.AddOutput("output_0", loss);
        return trace.Finish();
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void CnnGradientsMatchTheReference(bool averagePool)
    {
        var grads = Flax.Autodiff.ValueAndGrad(Cnn(averagePool), "output_0",
            ["params/Conv_0/kernel", "params/Dense_0/kernel", "params/Dense_0/bias"], [0]);
        var random = new System.Random(averagePool ? 1 : 2);
        var parameters = grads.Parameters.ToDictionary(p => p.Path, p => ReferenceCheck.Draw(random, p.Var.Type, -0.5, 0.5));
        var inputs = new[]
        {
            ReferenceCheck.Draw(random, grads.Inputs[0].Type, batch: 5),
            ReferenceCheck.Draw(random, grads.Inputs[1].Type, 0, 2, batch: 5),
        };
        ReferenceCheck.AssertMatches(grads, inputs, atol: 1e-5, rtol: 1e-4, parameters: parameters);
    }

    /// <summary>A token model: embedding lookup, multi-head self-attention with a causal mask, layer norm, a dense
    /// readout; the batch is dynamic.</summary>
    private static Tensor Tokens(Scope scope, Tensor tokens)
    {
        var x = Flax.Nn.Embedding(scope.Push("Embed_0"), 11, 8).Lookup(tokens);
        x = x + Flax.Nn.MultiHeadDotProductAttention(scope.Push("Attention_0"), x, null, numHeads: 2, causalMask: true);
        x = Flax.Nn.LayerNorm(scope.Push("LayerNorm_0"), x);
        return Flax.Nn.Dense(scope.Push("Dense_0"), x.Mean(1), features: 3);
    }

    /// <summary>An image model: transposed convolution, group norm, average pooling, dense readout.</summary>
    private static Tensor Images(Scope scope, Tensor x)
    {
        x = Flax.Nn.ConvTranspose(scope.Push("ConvTranspose_0"), x, 4, kernelSize: [3, 3], strides: [2, 2]);
        x = Flax.Nn.GroupNorm(scope.Push("GroupNorm_0"), x, numGroups: 2);
        x = Flax.Nn.AvgPool(Flax.Nn.Relu(x), [2, 2], [2, 2]);
        return Flax.Nn.Dense(scope.Push("Dense_0"), x.Reshape(-1, 4 * 4 * 4), features: 3);
    }

    /// <summary>
    /// The parameter gradients of other layers' losses (cross-entropy against integer labels) lower and agree with the
    /// reference evaluator on ONNX Runtime, within atol 1e-5 + rtol 1e-4.
    /// </summary>
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void LayerGradientsMatchTheReference(bool tokens)
    {
        var random = new System.Random(tokens ? 3 : 4);
        NDArray input = tokens
            ? NDArray.From(Enumerable.Range(0, 5 * 6).Select(_ => random.Next(11)).ToArray(), 5, 6)
            : ReferenceCheck.Draw(random, new TensorType(DType.Float32, 5, 4, 4, 2));
        Func<Scope, Tensor, Tensor> model = tokens ? Tokens : Images;
        var (_, variables) = Core.Init(model, device: Device.Cpu)(PrngKey.Create(0), input);
        Tensor Loss(Scope scope, Tensor x, Tensor y)
        {
            var (loss, grads) = Core.ValueAndGrad(s => Losses.SoftmaxCrossEntropyWithIntegerLabels(model(s, x), y).Mean(), scope);
            scope.PutVariable("grads", "params", grads["params"]);
            return loss;
        }
        var labels = NDArray.From(Enumerable.Range(0, 5).Select(_ => random.Next(3)).ToArray(), 5);
        var traced = ScopeTracer.Trace(ScopeFunction.Of(Loss), Core.TraceSpecs([input, labels]), variables, null, "grads", null);
        var flat = variables.Flatten();
        var parameters = traced.Program.Parameters.ToDictionary(p => p.Path, p => (NDArray)flat[p.Path]);
        Assert.IsTrue(traced.Program.Outputs.Length > 5, "the gradients are outputs");
        ReferenceCheck.AssertMatches(traced.Program, [input, labels], atol: 1e-5, rtol: 1e-4, parameters: parameters);
    }
}
