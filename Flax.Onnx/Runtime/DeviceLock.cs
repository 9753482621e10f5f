using System.Collections.Concurrent;

namespace Flax;

/// <summary>
/// Serializes the work of ONNX Runtime's CUDA provider on one device (session creation, runs, device-to-host copies,
/// session release): <c>using (DeviceLock.Enter(device)) { ... }</c>. Sessions on one GPU that ran from several
/// threads at once failed with <c>cudaErrorStreamCaptureUnsupported</c> ("operation not permitted when stream is
/// capturing") on trivial nodes: 6 of the Flax.Onnx tests, which run in parallel, on an H200 with TF32 on (none in
/// three runs with it off; onnxruntime issue 18806 reports the same for concurrent CUDA sessions). The CPU is not
/// locked.
/// </summary>
internal readonly struct DeviceLock : IDisposable
{
    private static readonly ConcurrentDictionary<int, object> Gates = new();
    private readonly object? _gate;

    private DeviceLock(object? gate)
    {
        _gate = gate;
        if (gate is not null) Monitor.Enter(gate);
    }

    /// <summary>Waits for and takes the lock of <paramref name="device"/> when it is a CUDA device (one lock per
    /// device id); takes nothing for the CPU. Dispose the result to release it.</summary>
    internal static DeviceLock Enter(Device device) => new(device.IsCuda ? Gates.GetOrAdd(device.CudaId, _ => new object()) : null);

    /// <summary>Releases the lock taken by <see cref="Enter"/>.</summary>
    public void Dispose()
    {
        if (_gate is not null) Monitor.Exit(_gate);
    }
}
