namespace Flax.Tests.Runtime;

/// <summary><see cref="OnnxSession.RunResident"/>: outputs left in ONNX Runtime values that later runs take as inputs.</summary>
[TestClass]
public sealed class OnnxSessionResidentTests
{
    private static NDArray Rows(int batch) =>
        NDArray.From(Enumerable.Range(0, batch * 3).Select(i => (float)i).ToArray(), batch, 3);

    [TestMethod]
    public void AnOutputFeedsTheNextRunWithoutTheHost()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
        float[] bias = [1f, 2f, 3f];
        using var pinned = new PinnedInputs([NDArray.From(bias, 3)]);
        using var first = session.RunResident([Rows(2)], pinned.Values, []);
        using var second = session.RunResident([], [first.Single(), pinned.Values[0]], [0]);
        var y = session.ToHost(second.Single());
        CollectionAssert.AreEqual(new[] { 2, 3 }, y.Shape);
        CollectionAssert.AreEqual(Enumerable.Range(0, 6).Select(i => i + 2 * bias[i % 3]).ToArray(), y.ToArray<float>());
    }

    [TestMethod]
    public void TheNumberOfInputsIsChecked()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
        var e = Assert.ThrowsExactly<ArgumentException>(() => session.RunResident([Rows(1)], [], []));
        Assert.AreEqual("The model takes 2 inputs, got 1. (Parameter 'inputs')", e.Message);
    }

    [TestMethod]
    public void RunAfterDisposeThrows()
    {
        var session = new OnnxSession(AddModel.Bytes(), ["x"], ["y"], Device.Cpu);
        session.Dispose();
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => session.RunResident([Rows(1)], [], []));
        Assert.AreEqual("Cannot access a disposed object.\nObject name: 'Flax.OnnxSession'.", e.Message);
    }
}
