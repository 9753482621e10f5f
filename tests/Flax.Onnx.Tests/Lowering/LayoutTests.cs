using Flax.Lowering.Proto;
using Microsoft.ML.OnnxRuntime;

namespace Flax.Tests.Lowering;

/// <summary>
/// Layout of the Fashion-MNIST CNN's inference graph (two blocks of 3x3 convolution, batch norm with running
/// averages, ReLU and 2x2 max pooling, then two dense layers; NHWC like Flax). The lowering wraps each convolution and
/// pooling in NHWC/NCHW transposes; ONNX Runtime's transpose optimizer (graph optimization level 1, which every session
/// here enables) cancels the pairs and pushes the rest through the element-wise ops, so the activations are transposed
/// once on the way in and once before the flatten: the graph that runs keeps NCHW through both blocks.
/// </summary>
[TestClass]
public sealed class LayoutTests
{
    private static Tensor Block(Scope scope, Tensor x, int features)
    {
        x = Flax.Nn.Conv(scope.Push("Conv_0"), x, features, kernelSize: [3, 3], bias: false);
        x = Flax.Nn.BatchNorm(scope.Push("BatchNorm_0"), x, useRunningAverage: true);
        return Flax.Nn.MaxPool(Flax.Nn.Relu(x), [2, 2], [2, 2]);
    }

    private static Tensor Cnn(Scope scope, Tensor x)
    {
        x = Block(scope.Push("Block_0"), x, 8);
        x = Block(scope.Push("Block_1"), x, 16);
        x = Flax.Nn.Relu(Flax.Nn.Dense(scope.Push("Dense_0"), x.Reshape(-1, 7 * 7 * 16), features: 32));
        return Flax.Nn.Dense(scope.Push("Dense_1"), x, features: 10);
    }

    [TestMethod]
    public void CnnInferenceGraphTransposesTheActivationsOnceInAndOnceOut()
    {
        var input = NDArray.Zeros(DType.Float32, 2, 28, 28, 1);
        var (_, variables) = Core.Init((Scope s, Tensor x) => Cnn(s, x), device: Device.Cpu)(PrngKey.Create(0), input);
        using var stream = new MemoryStream();
        Core.Export(Cnn, variables, stream, [new TensorSpec(DType.Float32, -1, 28, 28, 1)]);
        var emitted = ModelProto.Parser.ParseFrom(stream.ToArray()).Graph;

        var path = Path.Combine(Path.GetTempPath(), $"flax-layout-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = path })
            using (new InferenceSession(stream.ToArray(), options)) { }
            var optimized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
            // The values computed from the input (the saved graph is in topological order); the other transposes
            // act on kernels and per-feature vectors.
            var fromInput = new HashSet<string> { "x" };
            foreach (var node in optimized.Node)
                if (node.Input.Any(fromInput.Contains)) fromInput.UnionWith(node.Output);
            var activations = optimized.Node.Where(n => n.OpType == "Transpose" && fromInput.Contains(n.Input[0])).ToArray();
            string ops = string.Join(", ", optimized.Node.Select(n => $"{n.OpType}({string.Join(" ", n.Input)})"));
            Assert.AreEqual(10, emitted.Node.Count(n => n.OpType == "Transpose"), "emitted: in, kernel and out per convolution, in and out per pooling");
            Assert.HasCount(2, activations, ops);
            Assert.AreEqual("x", activations[0].Input[0], ops);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
