using System.Runtime.InteropServices;

namespace Flax;

/// <summary>
/// The <see cref="IBatchScorer"/> of a fitted or loaded model: <see cref="OnnxSession"/>s of the Runtime (the one
/// owner of each native session), fed a float32 batch per model input and read back through the model's output.
/// </summary>
/// <remarks>
/// Batches run on a session with ONNX Runtime's default thread pool. Single rows on the CPU (the
/// <see cref="Microsoft.ML.PredictionEngine{TSrc, TDst}"/> path) run on a second session with one intra-op thread,
/// created on first use: waking the pool costs more than a one-row run (up to twice the latency on a busy machine).
/// Disposing while other threads score is safe: <see cref="OnnxSession"/> lets runs in flight finish and releases the
/// native session after the last one; runs that start after <see cref="Dispose"/> throw
/// <see cref="ObjectDisposedException"/> naming <see cref="FlaxTransformer"/>.
/// </remarks>
internal sealed class SessionScorer : IBatchScorer
{
    private readonly byte[] _onnx;
    private readonly OnnxSession _session;
    private readonly ModelSignature _signature;
    private readonly Lock _gate = new();
    private OnnxSession? _single;
    private int _disposed;

    private SessionScorer(byte[] onnx, OnnxSession session, ModelSignature signature)
    {
        _onnx = onnx;
        _session = session;
        _signature = signature;
    }

    /// <summary>Opens a session over <paramref name="onnx"/>, a model with the inputs and output of <paramref name="signature"/>.</summary>
    /// <param name="onnx">The exported model.</param>
    /// <param name="signature">Its inputs and output.</param>
    /// <param name="device">Where to run.</param>
    /// <exception cref="DeviceUnavailableException">An explicit CUDA device cannot run the model.</exception>
    public static SessionScorer Open(byte[] onnx, ModelSignature signature, Device device) =>
        new(onnx, Session(onnx, signature, device), signature);

    /// <inheritdoc/>
    public Device Device => _session.Device;

    /// <inheritdoc/>
    /// <exception cref="ModelRunException">ONNX Runtime failed, or the output is not <c>(rows, ..output row shape)</c>
    /// float32 (a loaded model file whose nodes contradict its declared output).</exception>
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
            result = (rows == 1 && !Device.IsCuda ? Single() : _session).Run(arrays)[0];
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check above and the run: report it as the user's object.
            ThrowIfDisposed();
            throw;
        }
        if (result.DType != DType.Float32 || result.Shape.Length != _signature.OutputRowShape.Length + 1 || result.Shape[0] != rows
            || !result.Shape.AsSpan(1).SequenceEqual(_signature.OutputRowShape))
            throw ModelRunException.WrongOutput(_signature.OnnxOutputName,
                $"float32{Shapes.Format([rows, .. _signature.OutputRowShape])}", $"{result.DType.Name()}{Shapes.Format(result.Shape)}");
        result.Span<float>().CopyTo(output);
    }

    /// <summary>Releases the sessions once no run is in flight; later runs throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_gate) _single?.Dispose();
        _session.Dispose();
    }

    /// <summary>The single-row session, created on first use.</summary>
    private OnnxSession Single()
    {
        if (Volatile.Read(ref _single) is { } single) return single;
        lock (_gate)
        {
            ThrowIfDisposed();
            return _single ??= Session(_onnx, _signature, Device, intraOpThreads: 1);
        }
    }

    private static OnnxSession Session(byte[] onnx, ModelSignature signature, Device device, int intraOpThreads = 0) =>
        new(onnx, signature.Inputs.Select(i => i.ColumnName).ToArray(), [signature.OnnxOutputName], device, intraOpThreads);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, typeof(FlaxTransformer));
}
