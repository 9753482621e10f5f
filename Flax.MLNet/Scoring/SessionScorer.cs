using System.Runtime.InteropServices;

namespace Flax;

/// <summary>
/// The <see cref="IBatchScorer"/> of a fitted or loaded model: one <see cref="OnnxSession"/> of the Runtime (the one
/// owner of the native session), fed a float32 batch per model input and read back through the model's output.
/// </summary>
/// <remarks>
/// Disposing while other threads score is safe: <see cref="OnnxSession"/> lets runs in flight finish and releases the
/// native session after the last one; runs that start after <see cref="Dispose"/> throw
/// <see cref="ObjectDisposedException"/> naming <see cref="FlaxTransformer"/>.
/// </remarks>
internal sealed class SessionScorer : IBatchScorer
{
    private readonly OnnxSession _session;
    private readonly ModelSignature _signature;
    private int _disposed;

    private SessionScorer(OnnxSession session, ModelSignature signature)
    {
        _session = session;
        _signature = signature;
    }

    /// <summary>Opens a session over <paramref name="onnx"/>, a model with the inputs and output of <paramref name="signature"/>.</summary>
    /// <param name="onnx">The exported model.</param>
    /// <param name="signature">Its inputs and output.</param>
    /// <param name="device">Where to run.</param>
    /// <exception cref="DeviceUnavailableException">An explicit CUDA device cannot run the model.</exception>
    public static SessionScorer Open(byte[] onnx, ModelSignature signature, Device device) => new(
        new OnnxSession(onnx, signature.Inputs.Select(i => i.ColumnName).ToArray(), [signature.OnnxOutputName], device), signature);

    /// <inheritdoc/>
    public Device Device => _session.Device;

    /// <inheritdoc/>
    public void Score(int rows, float[][] inputs, float[] output)
    {
        ThrowIfDisposed();
        var arrays = new NDArray[inputs.Length];
        for (int i = 0; i < arrays.Length; i++)
        {
            var input = _signature.Inputs[i];
            var values = MemoryMarshal.AsBytes(inputs[i].AsSpan(0, rows * input.Size));
            arrays[i] = NDArray.FromBytes(DType.Float32, [rows, .. input.RowShape], values.ToArray());
        }
        NDArray result;
        try
        {
            result = _session.Run(arrays)[0];
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check above and the run: report it as the user's object.
            ThrowIfDisposed();
            throw;
        }
        result.Span<float>().CopyTo(output);
    }

    /// <summary>Releases the session once no run is in flight; later runs throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _session.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, typeof(FlaxTransformer));
}
