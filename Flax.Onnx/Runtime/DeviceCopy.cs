using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// Copies tensors that live in a device's memory (a resident value on CUDA) to the host through ONNX Runtime: one
/// <see cref="IdentityModel"/> session per dtype on that device, run with its output bound to host memory, so that
/// ONNX Runtime makes the copy. (<c>OrtEnv.CopyTensors</c> cannot: it needs the provider registered as a plugin
/// library, which the CUDA package's provider is not; it fails with "Data transfer implementation between source
/// and destination device was not found".)
/// </summary>
/// <remarks>The only owner of its sessions; safe to use from several threads at once.</remarks>
internal sealed class DeviceCopy(Device device) : IDisposable
{
    private readonly Dictionary<DType, InferenceSession> _sessions = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>A host copy of <paramref name="value"/>, a tensor in the memory of this copier's device.</summary>
    /// <exception cref="ObjectDisposedException">The copier was disposed.</exception>
    /// <exception cref="DeviceUnavailableException">The device cannot run the copy.</exception>
    internal NDArray ToHost(OrtValue value)
    {
        var dtype = OrtTypes.ToDType(value.GetTensorTypeAndShape().ElementDataType);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sessions.TryGetValue(dtype, out var session))
                _sessions[dtype] = session = Providers.Open(IdentityModel.Bytes(dtype), device, out _);
            using var binding = session.CreateIoBinding();
            binding.BindInput("x", value);
            binding.BindOutputToDevice("y", OrtMemoryInfo.DefaultInstance);
            using var options = new RunOptions();
            using var locked = DeviceLock.Enter(device);
            session.RunWithBinding(options, binding);
            using var outputs = binding.GetOutputValues();
            return OnnxSession.HostCopy(outputs[0]);
        }
    }

    /// <summary>Releases the sessions; later copies throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            using var locked = DeviceLock.Enter(device);
            foreach (var session in _sessions.Values) session.Dispose();
            _sessions.Clear();
        }
    }
}
