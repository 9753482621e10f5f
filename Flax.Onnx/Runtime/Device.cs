namespace Flax;

/// <summary>
/// Where ONNX Runtime executes a model: <see cref="Auto"/> (CUDA when it works, otherwise the CPU), <see cref="Cpu"/>,
/// or a given CUDA device (<see cref="Cuda"/>). The counterpart of choosing a <c>jax.Device</c>.
/// </summary>
/// <remarks>
/// CUDA needs the <c>Microsoft.ML.OnnxRuntime.Gpu</c> native package and the CUDA libraries it was built for.
/// <see cref="Auto"/> never tries CUDA with the CPU package (whose native library has no CUDA provider); with the GPU
/// package it does not trust the providers ONNX Runtime lists: it creates a session with the CUDA provider and
/// falls back to the CPU when that fails, logging why through <see cref="System.Diagnostics.Trace"/>.
/// <see cref="Resolve"/> tells which device <see cref="Auto"/> ends up on.
/// </remarks>
public sealed class Device : IEquatable<Device>
{
    private const int AutoId = -2, CpuId = -1;
    private readonly int _id;

    private Device(int id) => _id = id;

    /// <summary>CUDA device 0 when a CUDA session can be created, otherwise the CPU (the default everywhere).</summary>
    public static Device Auto { get; } = new(AutoId);

    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    public static Device Cpu { get; } = new(CpuId);

    /// <summary>ONNX Runtime's CUDA execution provider on the GPU with ordinal <paramref name="id"/>; no fallback.</summary>
    /// <param name="id">The CUDA device ordinal.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative.</exception>
    public static Device Cuda(int id = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        return new Device(id);
    }

    /// <summary>Whether this is <see cref="Auto"/>.</summary>
    public bool IsAuto => _id == AutoId;

    /// <summary>Whether this is a CUDA device.</summary>
    public bool IsCuda => _id >= 0;

    /// <summary>The CUDA device ordinal.</summary>
    /// <exception cref="InvalidOperationException">This is not a CUDA device.</exception>
    public int CudaId => IsCuda ? _id : throw new InvalidOperationException($"{this} is not a CUDA device.");

    /// <summary>
    /// The concrete device sessions for this device run on: itself for <see cref="Cpu"/> and <see cref="Cuda"/>, and
    /// for <see cref="Auto"/> <c>Cuda(0)</c> or <see cref="Cpu"/>, decided once per process by creating a CUDA session.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">This is <see cref="Auto"/> and the native ONNX Runtime library
    /// cannot be loaded (no <c>Microsoft.ML.OnnxRuntime</c> or <c>Microsoft.ML.OnnxRuntime.Gpu</c> package).</exception>
    public Device Resolve() => IsAuto ? Providers.ResolveAuto() : this;

    /// <inheritdoc/>
    public bool Equals(Device? other) => other is not null && other._id == _id;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Device);

    /// <inheritdoc/>
    public override int GetHashCode() => _id;

    /// <summary>Prints <c>Auto</c>, <c>Cpu</c> or <c>Cuda(0)</c>.</summary>
    public override string ToString() => _id switch { AutoId => "Auto", CpuId => "Cpu", _ => $"Cuda({_id})" };
}
