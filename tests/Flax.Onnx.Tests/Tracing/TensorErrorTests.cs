namespace Flax.Tests.Tracing;

[TestClass]
public sealed class TensorErrorTests
{
    private static TensorSpec F32(params int[] shape) => new(DType.Float32, shape);

    private static ArgumentException ThrowsWhileTracing(Func<Tensor[], Tensor> f, params TensorSpec[] specs) =>
        Assert.ThrowsExactly<ArgumentException>(() => Traced.Trace(f, specs));

    [TestMethod]
    public void BroadcastingErrorNamesBothShapes()
    {
        var e = ThrowsWhileTracing(t => t[0] + t[1], F32(2, 3), F32(4));
        Assert.AreEqual("Incompatible shapes for broadcasting: shapes=[(2, 3), (4,)]", e.Message);
    }

    [TestMethod]
    public void NullOperandsThrowArgumentNullException()
    {
        string Message(Func<Tensor[], Tensor> f) =>
            Assert.ThrowsExactly<ArgumentNullException>(() => Traced.Trace(f, F32(2, 3))).Message;
        Assert.AreEqual("Value cannot be null. (Parameter 'y')", Message(t => t[0] + (Tensor)null!));
        Assert.AreEqual("Value cannot be null. (Parameter 'x')", Message(t => (Tensor)null! * t[0]));
        Assert.AreEqual("Value cannot be null. (Parameter 'x')", Message(_ => -(Tensor)null!));
        Assert.AreEqual("Value cannot be null. (Parameter 'x')", Message(_ => (Tensor)null! - 1.0));
        Assert.AreEqual("Value cannot be null. (Parameter 'y')", Message(_ => 1.0 / (Tensor)null!));
        Assert.AreEqual("Value cannot be null. (Parameter 'x')", Message(_ => Flax.Nn.Relu(null!)));
        Assert.AreEqual("Value cannot be null. (Parameter 'x')", Message(_ => Flax.Nn.Softplus(null!)));
        Assert.AreEqual("Value cannot be null. (Parameter 'x')", Message(_ => Flax.Nn.Celu(null!)));
        Assert.AreEqual("Value cannot be null. (Parameter 'y')", Message(t => Tensor.Where(t[0] > 0, t[0], (Tensor)null!)));
        Assert.AreEqual("Concat got a null tensor. (Parameter 'tensors')", Message(t => Tensor.Concat([t[0], null!])));
    }

    [TestMethod]
    public void SamePaddingWithAZeroStrideGetsTheShapeCheck()
    {
        var e = ThrowsWhileTracing(t => Tensor.ConvGeneralDilated(t[0], t[1], [0, 1], Padding.Same), F32(1, 4, 4, 2), F32(3, 3, 2, 3));
        StringAssert.StartsWith(e.Message, "conv_general_dilated params ");
        StringAssert.EndsWith(e.Message, " must have 2 entries per list, strides, dilations and feature_group_count of at least 1.");
        e = ThrowsWhileTracing(t => t[0].ReduceWindowMax([1, 2, 2, 1], [1, 0, 1, 1], Padding.Same), F32(1, 4, 4, 2));
        Assert.AreEqual("reduce_window_max [padding=((0, 0), (0, 0), (0, 1), (0, 0)) window_dimensions=(1, 2, 2, 1) " +
            "window_strides=(1, 0, 1, 1)] does not fit f32[1,4,4,2] on axis 1: windows and strides are at least 1 (1 on the " +
            "batch axis), padding non-negative (0 on the batch axis).", e.Message);
    }

    [TestMethod]
    public void BatchAxisDoesNotBroadcastAgainstAStaticSize()
    {
        var e = ThrowsWhileTracing(t => t[0] * t[1], F32(-1, 3), F32(5, 3));
        Assert.AreEqual("Incompatible shapes for broadcasting: shapes=[(None, 3), (5, 3)]", e.Message);
    }

    [TestMethod]
    public void ReshapeError()
    {
        var e = ThrowsWhileTracing(t => t[0].Reshape(4, -1), F32(2, 3));
        Assert.AreEqual("cannot reshape array of shape (2, 3) into shape (4, -1) (Parameter 'shape')", e.Message);
        e = ThrowsWhileTracing(t => t[0].Reshape(-1, 2), F32(-1, 4, 4));
        Assert.AreEqual("cannot reshape array of shape (None, 4, 4) into shape (-1, 2) (None is the dynamic batch size, which must map to the one inferred -1 entry) (Parameter 'shape')", e.Message);
    }

    [TestMethod]
    public void ReshapeToANegativeSizeNamesTheAxisAndTheValue()
    {
        var e = ThrowsWhileTracing(t => t[0].Reshape(2, -3), F32(2, 3));
        Assert.AreEqual("Invalid dimension -3 at axis 1: sizes are non-negative, or -1 for the one inferred size. (Parameter 'shape')", e.Message);
    }

    [TestMethod]
    public void TensorTypeWithANegativeSizeNamesTheAxisAndTheValue()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TensorType(DType.Float32, -1, 4, -3));
        Assert.AreEqual("Invalid dimension -3 at axis 2: sizes are non-negative, or -1 for the dynamic batch size. (Parameter 'dims')", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new TensorType(DType.Float32, default(System.Collections.Immutable.ImmutableArray<int>)));
        Assert.AreEqual("The dims of a tensor type must not be a default array. (Parameter 'dims')", e.Message);
    }

    [TestMethod]
    public void MatMulContractionMismatch()
    {
        var e = ThrowsWhileTracing(t => Tensor.MatMul(t[0], t[1]), F32(2, 3), F32(4, 5));
        Assert.AreEqual("dot_general requires contracting dimensions to have the same shape, got (3,) and (4,).", e.Message);
    }

    [TestMethod]
    public void ConcatenateMismatch()
    {
        var e = ThrowsWhileTracing(t => Tensor.Concat([t[0], t[1]], 0), F32(2, 3), F32(2, 4));
        Assert.AreEqual("Cannot concatenate arrays with shapes that differ in dimensions other than the one being concatenated: concatenating along dimension 0 for shapes (2, 3), (2, 4). (Parameter 'tensors')", e.Message);
    }

    [TestMethod]
    public void AxisOutOfBounds()
    {
        var e = ThrowsWhileTracing(t => t[0].Sum(2), F32(2, 3));
        Assert.AreEqual("axis 2 is out of bounds for array of dimension 2", e.Message);
    }

    [TestMethod]
    public void SqueezeOfALongAxis()
    {
        var e = ThrowsWhileTracing(t => t[0].Squeeze(1), F32(2, 3));
        Assert.AreEqual("cannot select an axis to squeeze out which has size not equal to one, got shape=(2, 3) and dimensions=(1,) (Parameter 'axes')", e.Message);
    }

    [TestMethod]
    public void ConvFeatureMismatch()
    {
        var e = ThrowsWhileTracing(t => Tensor.ConvGeneralDilated(t[0], t[1], [1, 1], Padding.Valid), F32(1, 5, 5, 3), F32(3, 3, 4, 8));
        Assert.AreEqual("conv_general_dilated with feature_group_count 1 requires lhs features (3) = rhs input features (4) * 1 and rhs output features (8) divisible by 1, got f32[1,5,5,3], f32[3,3,4,8].", e.Message);
    }

    [TestMethod]
    public void WhereNeedsABoolCondition()
    {
        var e = ThrowsWhileTracing(t => Tensor.Where(t[0], t[0], t[0]), F32(2));
        Assert.AreEqual("Where requires a bool condition, got float32. (Parameter 'condition')", e.Message);
    }

    [TestMethod]
    public void TranscendentalOfBool()
    {
        var e = ThrowsWhileTracing(t => t[0].Abs(), new TensorSpec(DType.Bool, 2));
        Assert.AreEqual("abs requires a numeric dtype, got bool.", e.Message);
    }

    [TestMethod]
    public void BroadcastToTheBatchSizeNeedsADynamicInput()
    {
        var e = ThrowsWhileTracing(t => t[0].BroadcastTo(-1, 2), F32(2));
        Assert.AreEqual("Cannot broadcast to (None, 2): the traced function has no input with a dynamic batch axis. (Parameter 'shape')", e.Message);
    }

    [TestMethod]
    public void TensorUsedAfterItsTraceEnded()
    {
        Tensor leaked = null!;
        Traced.Trace(t => leaked = t[0].Exp(), F32(-1, 4));
        var e = Assert.ThrowsExactly<UnexpectedTensorException>(() => leaked.Exp());
        Assert.AreEqual("Encountered an unexpected Tensor f32[?,4]: it was used outside the trace that created it. A Tensor exists only while Core.Init, Core.Apply or Core.Export traces a function; it must not be stored and used after that call returns. Use the NDArray results instead.", e.Message);
    }

    [TestMethod]
    public void TensorUsedInAnotherTrace()
    {
        Tensor leaked = null!;
        Traced.Trace(t => leaked = t[0], F32(2));
        var e = Assert.ThrowsExactly<UnexpectedTensorException>(() => Traced.Trace(t => t[0] + leaked, F32(2)));
        Assert.AreEqual("Encountered an unexpected Tensor f32[2]: it belongs to another trace than the current one. A Tensor created while tracing one function (Core.Init, Core.Apply, Core.Export) was kept and used while tracing another; pass values between calls as NDArrays.", e.Message);
    }

    [TestMethod]
    public void HostArrayBecomesATensorOnlyWhileTracing()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => { Tensor t = NDArray.Zeros(DType.Float32, 2); });
        Assert.AreEqual("A host array or number can become a Tensor only while a function is being traced (inside Core.Init, Core.Apply or Core.Export).", e.Message);
    }

    [TestMethod]
    public void HostArrayInsideATraceIsAConstant()
    {
        var program = Traced.Trace(t => t[0] + NDArray.From(new[] { 1f, 2f }, 2), F32(3, 2));
        Assert.AreEqual("""
            { lambda b:f32[2] ; a:f32[3,2]. let
                c:f32[1,2] = reshape[new_sizes=(1, 2)] b
                d:f32[3,2] = add a c
              in (output_0=d) }
            """, program.ToString());
    }

    [TestMethod]
    public void ParameterReadTwiceIsOneParameter()
    {
        using var trace = new TraceContext();
        var first = trace.AddParameter("params/kernel", [2, 2], DType.Float32);
        Assert.AreSame(first, trace.AddParameter("params/kernel", [2, 2], DType.Float32));
        var e = Assert.ThrowsExactly<ArgumentException>(() => trace.AddParameter("params/kernel", [2, 3], DType.Float32));
        Assert.AreEqual("Parameter 'params/kernel' was read as f32[2,2] and now as f32[2,3]. (Parameter 'shape')", e.Message);
    }
}
