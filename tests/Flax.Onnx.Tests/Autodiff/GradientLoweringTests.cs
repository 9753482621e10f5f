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
}
