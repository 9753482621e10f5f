using Flax.Lowering.Proto;

namespace Flax.Tests.Runtime;

/// <summary>Session-creation failures are wrapped like run failures: the node, its operator and the reason.</summary>
[TestClass]
public sealed class ModelLoadExceptionTests
{
    /// <summary>A MaxPool whose padding is as wide as its kernel (the lowering pads such windows itself) is a kernel ONNX
    /// Runtime refuses to create; ONNX Runtime names the failed check, not the node.</summary>
    [TestMethod]
    public void AKernelThatCannotBeCreatedGivesONNXRuntimesReasonWithoutItsSourceLine()
    {
        var graph = new GraphProto { Name = "refused" };
        graph.Input.Add(OnnxTypes.ValueInfo("x", DType.Float32, [1, 1, 3]));
        graph.Output.Add(OnnxTypes.ValueInfo("y", DType.Float32, [1, 1, 4]));
        var pool = new NodeProto { OpType = "MaxPool", Name = "pool" };
        pool.Input.Add("x");
        pool.Output.Add("y");
        pool.Attribute.AddRange([OnnxAttributes.Ints("kernel_shape", [2]), OnnxAttributes.Ints("pads", [2, 0])]);
        graph.Node.Add(pool);
        var model = new OnnxModel(graph, ["x"], [], [], ["y"]);
        var e = Assert.ThrowsExactly<ModelLoadException>(() => new OnnxSession(model.ToBytes(), ["x"], ["y"], Device.Cpu));
        Assert.AreEqual("ONNX Runtime could not create a kernel of the model: Pad should be smaller than kernel.", e.Message);
        Assert.IsNull(e.Node);
        Assert.IsInstanceOfType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
    }

    /// <summary>ONNX Runtime's graph checks name the node and operator: <c>Node (name) Op (type) [category] reason</c>.</summary>
    [TestMethod]
    public void ARefusedNodeIsNamedWithItsOperatorAndReason()
    {
        var e = ModelLoadException.From(new InvalidOperationException("[ErrorCode:Fail] Load model from memory failed:Node " +
            "(Dense_0/MatMul_3) Op (MatMul) [ShapeInferenceError] Incompatible dimensions for matrix multiplication"));
        Assert.AreEqual("Dense_0/MatMul_3", e.Node);
        Assert.AreEqual("MatMul", e.Op);
        Assert.AreEqual("ONNX Runtime could not load node 'Dense_0/MatMul_3' (MatMul) of the model: Incompatible dimensions for " +
            "matrix multiplication.", e.Message);
    }

    [TestMethod]
    public void AMessageWithoutANodeKeepsONNXRuntimesText()
    {
        var e = ModelLoadException.From(new InvalidOperationException("something else"));
        Assert.IsNull(e.Node);
        Assert.IsNull(e.Op);
        Assert.AreEqual("ONNX Runtime could not load the model: something else", e.Message);
    }
}
