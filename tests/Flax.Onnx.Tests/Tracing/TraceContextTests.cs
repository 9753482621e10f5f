namespace Flax.Tests.Tracing;

[TestClass]
public sealed class TraceContextTests
{
    [TestMethod]
    public void NestedTracesRestoreTheOuterOne()
    {
        using var outer = new TraceContext();
        var x = outer.AddInput(new TensorSpec(DType.Float32, 2));
        using (var inner = new TraceContext())
        {
            Assert.AreSame(inner, TraceContext.Current);
            Assert.ThrowsExactly<UnexpectedTensorException>(() => x.Exp());
        }
        Assert.AreSame(outer, TraceContext.Current);
        outer.AddOutput("output_0", x.Exp());
        Assert.HasCount(1, outer.Finish().Eqns);
    }

    [TestMethod]
    public void DisposingAnOuterTraceFirstThrows()
    {
        using var outer = new TraceContext();
        using var inner = new TraceContext();
        var e = Assert.ThrowsExactly<InvalidOperationException>(outer.Dispose);
        Assert.AreEqual("Trace contexts must be disposed innermost first, on the thread that created them.", e.Message);
    }

    [TestMethod]
    public void FinishedTraceRecordsNothingMore()
    {
        using var trace = new TraceContext();
        var x = trace.AddInput(new TensorSpec(DType.Float32, 2));
        trace.AddOutput("output_0", x);
        trace.Finish();
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => trace.AddInput(new TensorSpec(DType.Float32, 2)));
        Assert.AreEqual("This trace has finished; it records nothing more.", e.Message);
    }

    [TestMethod]
    public void DuplicateOutputName()
    {
        using var trace = new TraceContext();
        var x = trace.AddInput(new TensorSpec(DType.Float32, 2));
        trace.AddOutput("batch_stats/bn/mean", x);
        var e = Assert.ThrowsExactly<ArgumentException>(() => trace.AddOutput("batch_stats/bn/mean", x));
        Assert.AreEqual("The program already has an output named 'batch_stats/bn/mean'. (Parameter 'name')", e.Message);
    }

    [TestMethod]
    [DataRow(DType.Float32, DType.Int32, DType.Float32)]
    [DataRow(DType.Int32, DType.Int64, DType.Int64)]
    [DataRow(DType.UInt8, DType.Int8, DType.Int16)]
    [DataRow(DType.UInt32, DType.Int64, DType.Int64)]
    [DataRow(DType.Float16, DType.BFloat16, DType.Float32)]
    [DataRow(DType.Bool, DType.Int32, DType.Int32)]
    [DataRow(DType.Float64, DType.Float32, DType.Float64)]
    public void PromoteTypesIsSymmetric(DType a, DType b, DType expected)
    {
        Assert.AreEqual(expected, Tensor.PromoteTypes(a, b));
        Assert.AreEqual(expected, Tensor.PromoteTypes(b, a));
    }
}
