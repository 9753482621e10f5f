namespace Flax.Tests.Runtime;

/// <summary>Session-creation failures are wrapped like run failures: the node, its operator and the reason.</summary>
[TestClass]
public sealed class ModelLoadExceptionTests
{
    /// <summary>A raw <c>lax.reduce_window</c> max whose padding is as wide as its window lowers to a MaxPool whose
    /// kernel ONNX Runtime refuses to create (Nn.MaxPool pads explicitly instead); ONNX Runtime names the failed check,
    /// not the node.</summary>
    [TestMethod]
    public void AKernelThatCannotBeCreatedGivesONNXRuntimesReasonWithoutItsSourceLine()
    {
        static Tensor Model(Scope scope, Tensor x) =>
            x.ReduceWindowMax([1, 2, 1], [1, 1, 1], Padding.Explicit((0, 0), (2, 0), (0, 0)));
        var e = Assert.ThrowsExactly<ModelLoadException>(() => Core.Init(Model)(PrngKey.Create(0), NDArray.Ones(DType.Float32, 1, 3, 2)));
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
