using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// Execution-provider selection: session options per device, the CUDA-or-CPU decision for <see cref="Device.Auto"/>,
/// and the fallback. Availability is found out by trying, never from <c>OrtEnv.GetAvailableProviders()</c> (which
/// lists CUDA wherever the GPU package is installed, with or without CUDA).
/// </summary>
internal static class Providers
{
    /// <summary>ONNX Runtime's name of the CPU execution provider.</summary>
    internal const string Cpu = "CPUExecutionProvider";

    /// <summary>ONNX Runtime's name of the CUDA execution provider.</summary>
    internal const string Cuda = "CUDAExecutionProvider";

    private static readonly Lazy<Device> AutoDevice = new(ProbeCuda);

    /// <summary>Why <see cref="Device.Auto"/> runs on the CPU; null while undecided or when it runs on CUDA.</summary>
    internal static string? AutoFallbackReason { get; private set; }

    /// <summary>The device <see cref="Device.Auto"/> runs on, decided on first use: the CPU when the native runtime has
    /// no CUDA provider (the CPU package), otherwise by creating a CUDA session.</summary>
    /// <exception cref="DeviceUnavailableException">The native ONNX Runtime library cannot be loaded.</exception>
    internal static Device ResolveAuto()
    {
        NativeRuntime.EnsureLoaded(Device.Auto);
        return AutoDevice.Value;
    }

    /// <summary>Why <see cref="Device.Auto"/> need not try CUDA with these compiled-in providers, or null when it must.</summary>
    internal static string? WithoutCuda(IReadOnlyCollection<string> providers) => providers.Contains(Cuda) ? null
        : $"this ONNX Runtime has no {Cuda} (it is the CPU package Microsoft.ML.OnnxRuntime; reference " +
          "Microsoft.ML.OnnxRuntime.Gpu instead to run on CUDA)";

    /// <summary>
    /// Creates a session for <paramref name="model"/> on <paramref name="device"/>. <see cref="Device.Auto"/> falls back
    /// to the CPU (with a log line) when the CUDA session cannot be created; an explicit CUDA device does not.
    /// </summary>
    /// <param name="model">The serialized model.</param>
    /// <param name="device">The requested device.</param>
    /// <param name="used">The concrete device of the returned session.</param>
    /// <param name="intraOpThreads">ONNX Runtime's intra-op thread count; 0 (the default) takes one per physical core
    /// (<see cref="PhysicalCores"/>), or leaves the count to ONNX Runtime where the topology is unknown.</param>
    /// <exception cref="DeviceUnavailableException">An explicit CUDA device cannot be used, or the native ONNX Runtime
    /// library cannot be loaded.</exception>
    /// <exception cref="UnsupportedOperationException">The provider has no kernel for an operator with its dtypes.</exception>
    /// <exception cref="ModelLoadException">ONNX Runtime refused the graph (names the node, its operator and why).</exception>
    internal static InferenceSession Open(byte[] model, Device device, out Device used, int intraOpThreads = 0)
    {
        NativeRuntime.EnsureLoaded(device);
        used = device.Resolve();
        if (used.IsCuda)
        {
            try
            {
                return Create(model, used, intraOpThreads);
            }
            catch (Exception e) when (IsProviderFailure(e))
            {
                if (!device.IsAuto) throw new DeviceUnavailableException(used, e);
                Trace.TraceWarning($"Flax: {Cuda} failed for this model, running it on the CPU: {e.Message}");
                used = Device.Cpu;
            }
        }
        try
        {
            return Create(model, used, intraOpThreads);
        }
        catch (OnnxRuntimeException e)
        {
            throw (Exception?)UnsupportedOperationException.From(e, Cpu) ?? ModelLoadException.From(e);
        }
    }

    private static InferenceSession Create(byte[] model, Device device, int intraOpThreads = 0)
    {
        // Errors only: ORT warns about every overridable initializer, which this library makes on purpose.
        using var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : PhysicalCores.Value,
            // ONNX Runtime's defaults, stated: every graph optimization, the CPU arena, and memory patterns (buffers
            // planned once per input shape and reused by later runs of that shape).
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableCpuMemArena = true,
            EnableMemoryPattern = true,
        };
        if (device.IsCuda) options.AppendExecutionProvider_CUDA(device.CudaId);
        using (DeviceLock.Enter(device))
            return new InferenceSession(model, options);
    }

    private static Device ProbeCuda()
    {
        if (WithoutCuda(NativeRuntime.Providers()) is { } reason)
        {
            AutoFallbackReason = reason;
            Trace.TraceInformation($"Flax: Device.Auto runs on the CPU ({Cpu}): {reason}.");
            return Device.Cpu;
        }
        try
        {
            using var session = Create(IdentityModel.Probe, Device.Cuda(0));
            Trace.TraceInformation($"Flax: Device.Auto runs on Cuda(0) ({Cuda}).");
            return Device.Cuda(0);
        }
        catch (Exception e) when (IsProviderFailure(e))
        {
            AutoFallbackReason = $"{e.GetType().Name}: {e.Message}";
            Trace.TraceInformation($"Flax: Device.Auto runs on the CPU ({Cpu}); CUDA is unavailable: {AutoFallbackReason}");
            return Device.Cpu;
        }
    }

    /// <summary>The failures that mean "this provider cannot run here" (missing entry point, library or device).</summary>
    private static bool IsProviderFailure(Exception e) =>
        e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException;
}
