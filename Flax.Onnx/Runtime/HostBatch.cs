using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// A caller-owned host buffer holding a batch of one model input, rows back to back, that ONNX Runtime reads in
/// place (<see cref="OnnxSession.RunInto"/>): the scoring path's input, one typed array per input dtype.
/// </summary>
internal abstract class HostBatch
{
    /// <summary>The dtype of the values.</summary>
    internal abstract DType DType { get; }

    /// <summary>A buffer of <paramref name="length"/> values of <paramref name="dtype"/> (float32, int32, int64 or bool).</summary>
    /// <exception cref="NotSupportedException">Another dtype.</exception>
    internal static HostBatch Create(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new HostBatch<float>(dtype, length),
        DType.Int32 => new HostBatch<int>(dtype, length),
        DType.Int64 => new HostBatch<long>(dtype, length),
        DType.Bool => new HostBatch<bool>(dtype, length),
        _ => throw new NotSupportedException($"A scoring batch holds float32, int32, int64 or bool, not {dtype.Name()}."),
    };

    /// <summary>Wraps the first values as a tensor of <paramref name="shape"/> over this buffer (no copy); dispose it after the run.</summary>
    internal abstract OrtValue Wrap(long[] shape);

    /// <summary>Copies the first values into a new array of <paramref name="shape"/> (the checked, slow path).</summary>
    internal abstract NDArray ToArray(int[] shape);
}

/// <summary>A <see cref="HostBatch"/> of <typeparamref name="T"/>.</summary>
internal sealed class HostBatch<T>(DType dtype, int length) : HostBatch where T : unmanaged
{
    /// <summary>The values.</summary>
    internal T[] Data { get; } = new T[length];

    /// <inheritdoc/>
    internal override DType DType => dtype;

    /// <inheritdoc/>
    internal override OrtValue Wrap(long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Data.AsMemory(0, Count(shape)), shape);

    /// <inheritdoc/>
    internal override NDArray ToArray(int[] shape) => NDArray.From(Data.AsSpan(0, Count([.. shape.Select(d => (long)d)])).ToArray(), shape);

    private static int Count(long[] shape) => checked((int)shape.Aggregate(1L, (size, d) => size * d));
}
