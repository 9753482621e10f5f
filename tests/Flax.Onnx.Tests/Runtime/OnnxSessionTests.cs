namespace Flax.Tests.Runtime;

[TestClass]
public sealed class OnnxSessionTests
{
    private static NDArray Rows(int batch) =>
        NDArray.From(Enumerable.Range(0, batch * 3).Select(i => (float)i).ToArray(), batch, 3);

    private static float[] Expected(int batch, float[] bias) =>
        Enumerable.Range(0, batch * 3).Select(i => i + bias[i % 3]).ToArray();

    [TestMethod]
    public void FedParameterOverridesTheInitializer()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
        float[] bias = [1f, 2f, 3f];
        var y = session.Run([Rows(2), NDArray.From(bias, 3)])[0];
        CollectionAssert.AreEqual(new[] { 2, 3 }, y.Shape);
        CollectionAssert.AreEqual(Expected(2, bias), y.ToArray<float>());
    }

    [TestMethod]
    public void UnfedParameterUsesTheInitializer()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x"], ["y"], Device.Cpu);
        CollectionAssert.AreEqual(Expected(2, AddModel.DefaultBias), session.Run([Rows(2)])[0].ToArray<float>());
    }

    [TestMethod]
    public void OneSessionServesBatchOneAndThirtySeven()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
        var bias = NDArray.From(AddModel.DefaultBias, 3);
        foreach (var batch in new[] { 1, 37 })
        {
            var y = session.Run([Rows(batch), bias])[0];
            CollectionAssert.AreEqual(new[] { batch, 3 }, y.Shape);
            CollectionAssert.AreEqual(Expected(batch, AddModel.DefaultBias), y.ToArray<float>());
        }
    }

    [TestMethod]
    public void RunIsSafeFromSeveralThreads()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
        Parallel.For(0, 64, i =>
        {
            float[] bias = [i, 2 * i, 3 * i];
            var y = session.Run([Rows(1 + i % 5), NDArray.From(bias, 3)])[0];
            CollectionAssert.AreEqual(Expected(1 + i % 5, bias), y.ToArray<float>());
        });
    }

    [TestMethod]
    public void InputsAreNotModified()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
        var x = Rows(3);
        session.Run([x, NDArray.From(AddModel.DefaultBias, 3)]);
        CollectionAssert.AreEqual(Rows(3).ToArray<float>(), x.ToArray<float>());
    }

    [TestMethod]
    public void DisposeTwiceIsHarmlessAndRunAfterDisposeThrows()
    {
        var session = new OnnxSession(AddModel.Bytes(), ["x"], ["y"], Device.Cpu);
        session.Dispose();
        session.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => session.Run([Rows(1)]));
    }

    [TestMethod]
    public void DisposeWhileSeveralThreadsRunEndsEveryRunCleanly()
    {
        // Runs over 200,000 rows are long enough that some are in flight when Dispose comes; none may crash the process.
        const int batch = 200_000, workers = 4;
        var bias = NDArray.From(AddModel.DefaultBias, 3);
        var x = Rows(batch);
        var expected = Expected(batch, AddModel.DefaultBias);
        for (int round = 0; round < 5; round++)
        {
            var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
            using var started = new CountdownEvent(workers);
            var endings = new System.Collections.Concurrent.ConcurrentBag<Exception?>();
            var wrong = 0;
            var threads = Enumerable.Range(0, workers).Select(_ => Task.Run(() =>
            {
                bool signalled = false;
                try
                {
                    while (true)
                    {
                        if (!signalled) { started.Signal(); signalled = true; }
                        var y = session.Run([x, bias])[0].ToArray<float>();
                        if (!y.AsSpan().SequenceEqual(expected)) Interlocked.Increment(ref wrong);
                    }
                }
                catch (Exception e)
                {
                    endings.Add(e);
                }
            })).ToArray();
            started.Wait();
            session.Dispose();
            Task.WaitAll(threads);

            Assert.AreEqual(0, wrong);
            Assert.HasCount(workers, endings);
            foreach (var e in endings)
            {
                Assert.IsInstanceOfType<ObjectDisposedException>(e);
                Assert.AreEqual($"Cannot access a disposed object.\nObject name: '{typeof(OnnxSession).FullName}'.", e!.Message);
            }
        }
    }

    [TestMethod]
    public void WrongInputCountThrows()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x", AddModel.Bias], ["y"], Device.Cpu);
        var e = Assert.ThrowsExactly<ArgumentException>(() => session.Run([Rows(1)]));
        Assert.AreEqual("The model takes 2 inputs, got 1. (Parameter 'inputs')", e.Message);
    }

    [TestMethod]
    public void AutoFallsBackToCpuWhenCudaIsUnavailable()
    {
        using var session = new OnnxSession(AddModel.Bytes(), ["x"], ["y"], Device.Auto);
        Assert.AreEqual(Device.Auto.Resolve(), session.Device);
        if (session.Device.IsCuda)
            Assert.AreEqual(Providers.Cuda, session.Provider);
        else
        {
            Assert.AreEqual(Providers.Cpu, session.Provider);
            StringAssert.Contains(Providers.AutoFallbackReason, "CUDA");
        }
        CollectionAssert.AreEqual(Expected(2, AddModel.DefaultBias), session.Run([Rows(2)])[0].ToArray<float>());
    }

    [TestMethod]
    public void ExplicitCudaWithTheCpuPackageThrows()
    {
        // The test project references the CPU-only native package, which has no CUDA entry point.
        var e = Assert.ThrowsExactly<DeviceUnavailableException>(
            () => new OnnxSession(AddModel.Bytes(), ["x"], ["y"], Device.Cuda(0)));
        Assert.AreEqual(
            "Cuda(0) is unavailable (EntryPointNotFoundException: Unable to find an entry point named " +
            "'OrtSessionOptionsAppendExecutionProvider_CUDA' in shared library 'onnxruntime'.). Reference " +
            "Microsoft.ML.OnnxRuntime.Gpu (and nothing else) with the CUDA libraries it was built for, or use " +
            "Device.Auto to fall back to the CPU.", e.Message);
        Assert.AreEqual(Device.Cuda(0), e.Device);
    }
}
