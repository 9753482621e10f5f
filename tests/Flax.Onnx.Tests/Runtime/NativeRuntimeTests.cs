namespace Flax.Tests.Runtime;

/// <summary>A missing native ONNX Runtime is a typed error naming the package to add; <c>Device.Auto</c> never probes
/// CUDA with the CPU package.</summary>
[TestClass]
public sealed class NativeRuntimeTests
{
    [TestMethod]
    public void AMissingNativeLibraryNamesThePackageToAdd()
    {
        var cause = NativeRuntime.Load("flax_no_such_onnxruntime");
        Assert.IsInstanceOfType<DllNotFoundException>(cause);
        var e = NativeRuntime.Missing(Device.Auto, "flax_no_such_onnxruntime", cause);
        Assert.IsInstanceOfType<FlaxException>(e);
        Assert.AreSame(cause, e.InnerException);
        Assert.AreEqual(Device.Auto, e.Device);
        StringAssert.StartsWith(e.Message, "ONNX Runtime's native library 'flax_no_such_onnxruntime' could not be loaded (DllNotFoundException: ");
        StringAssert.EndsWith(e.Message, "). Add a PackageReference to Microsoft.ML.OnnxRuntime (CPU; the Flax.Onnx package brings " +
            "it unless its assets are excluded) or to Microsoft.ML.OnnxRuntime.Gpu (CUDA) in the project that runs, and build it " +
            "for a runtime this package ships (RuntimeIdentifier linux-x64, linux-arm64, win-x64, win-arm64 or osx-arm64).");
    }

    [TestMethod]
    public void ThePresentNativeLibraryLoads()
    {
        Assert.IsNull(NativeRuntime.Load(NativeRuntime.Library));
        NativeRuntime.EnsureLoaded(Device.Cpu);
    }

    [TestMethod]
    public void AutoDoesNotTryCudaWithoutTheCudaProvider()
    {
        Assert.AreEqual("this ONNX Runtime has no CUDAExecutionProvider (it is the CPU package Microsoft.ML.OnnxRuntime; " +
            "reference Microsoft.ML.OnnxRuntime.Gpu instead to run on CUDA)", Providers.WithoutCuda(["CPUExecutionProvider"]));
        Assert.IsNull(Providers.WithoutCuda(["CUDAExecutionProvider", "CPUExecutionProvider"]));
    }

    /// <summary>With the CPU package (the tests' default build), Auto resolves to the CPU for the reason above, without
    /// creating a CUDA session.</summary>
    [TestMethod]
    public void AutoOnTheCpuPackageSaysWhy()
    {
        var reason = Providers.WithoutCuda(NativeRuntime.Providers());
        if (reason is null) Assert.Inconclusive("This build uses the GPU package (-p:Gpu=true).");
        Assert.AreEqual(Device.Cpu, Device.Auto.Resolve());
        Assert.AreEqual(reason, Providers.AutoFallbackReason);
    }
}
