namespace Flax;

/// <summary>
/// Raised when a session is asked for an explicit CUDA device (<see cref="Device.Cuda"/>) that cannot be used here:
/// the CPU-only ONNX Runtime package is installed (missing entry point), the CUDA provider library or the CUDA
/// libraries it needs are missing, or there is no such GPU. <see cref="Device.Auto"/> falls back to the CPU instead.
/// Also raised for any device when ONNX Runtime's native library itself cannot be loaded; the message names the
/// package to add.
/// </summary>
/// <remarks>Example: <c>Core.Apply(Mlp, device: Device.Cuda(0))</c> on a machine without a GPU.</remarks>
public sealed class DeviceUnavailableException : FlaxException
{
    internal DeviceUnavailableException(Device device, Exception cause)
        : base($"{device} is unavailable ({cause.GetType().Name}: {cause.Message}). Reference Microsoft.ML.OnnxRuntime.Gpu " +
               "(and nothing else) with the CUDA libraries it was built for, or use Device.Auto to fall back to the CPU.", cause)
    {
        Device = device;
    }

    internal DeviceUnavailableException(Device device, string message, Exception cause) : base(message, cause)
    {
        Device = device;
    }

    /// <summary>The device that could not be used.</summary>
    public Device Device { get; }
}
