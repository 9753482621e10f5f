using Flax.Lowering.Proto;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Tests.Lowering;

/// <summary>The graph ONNX Runtime runs for the gradient of 2x2 max pooling over a ReLU (the CNN blocks' tail): the
/// backward pass reuses the forward MaxPool (no second pooling, no Max over window slices), masks the pooled cotangent
/// instead of the activations, and hands the source out with one Where.</summary>
[TestClass]
public sealed class PoolingGradientGraphTests
{
    [TestMethod]
    public void MaxPoolGradientReusesTheForwardPooling()
    {
        static Tensor Model(Scope scope, Tensor x)
        {
            var (output, backward) = Core.Vjp((s, xs) => Flax.Nn.MaxPool(Flax.Nn.Relu(xs[0]), [2, 2], [2, 2]), scope, [x]);
            return backward(output * output).Item2[0];
        }
        var program = Core.MakeProgram(Model, VariableDict.Empty, new TensorSpec(DType.Float32, -1, 8, 8, 4));
        var bytes = Lowerer.Lower(program, ["x"]).ToBytes();

        var path = Path.Combine(Path.GetTempPath(), $"flax-pool-grad-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = path })
            using (new InferenceSession(bytes, options)) { }
            var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToList();
            string listing = string.Join(", ", ops);
            Assert.AreEqual(1, ops.Count(o => o == "MaxPool"), listing);
            Assert.AreEqual(1, ops.Count(o => o == "Max"), listing + " (the forward ReLU alone)");
            Assert.AreEqual(2, ops.Count(o => o == "Where"), listing + " (the pooled mask and the scatter)");
            Assert.AreEqual(1, ops.Count(o => o == "Equal"), listing);
        }
        finally
        {
            File.Delete(path);
        }
        ReferenceCheck.AssertMatches(program, [ReferenceCheck.Draw(new System.Random(3), program.Inputs[0].Type)], atol: 0, rtol: 0);
    }
}
