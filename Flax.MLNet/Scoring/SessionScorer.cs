namespace Flax;

/// <summary>
/// The <see cref="IBatchScorer"/> of a fitted or loaded model: <see cref="OnnxSession"/>s of the Runtime (the one
/// owner of each native session), fed a typed batch per model input and read back through the model's outputs.
/// </summary>
/// <remarks>
/// Batches run on a session with one intra-op thread per physical core (<see cref="PhysicalCores"/>). Single rows on the CPU (the
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

    /// <summary>Opens a session over <paramref name="onnx"/>, a model with the inputs and outputs of <paramref name="signature"/>.</summary>
    /// <param name="onnx">The exported model.</param>
    /// <param name="signature">Its inputs and outputs.</param>
    /// <param name="device">Where to run.</param>
    /// <exception cref="DeviceUnavailableException">An explicit CUDA device cannot run the model.</exception>
    public static SessionScorer Open(byte[] onnx, ModelSignature signature, Device device) =>
        new(onnx, Session(onnx, signature, device), signature);

    /// <inheritdoc/>
    public Device Device => _session.Device;

    /// <inheritdoc/>
    /// <exception cref="ModelRunException">ONNX Runtime failed, or an output is not <c>(rows, ..output row shape)</c>
    /// float32 (a loaded model file whose nodes contradict its declared outputs).</exception>
    public void Score(int rows, HostBatch[] inputs, float[][] outputs)
    {
        ThrowIfDisposed();
        var feeds = new (HostBatch Data, long[] Shape)[inputs.Length];
        for (int i = 0; i < feeds.Length; i++)
        {
            var input = _signature.Inputs[i];
            feeds[i] = (inputs[i], [rows, .. input.RowShape.Select(d => (long)d)]);
        }
        try
        {
            // ONNX Runtime reads the caller's batch and writes the caller's output buffers in place.
            Session(rows).RunInto(feeds, [.. _signature.Outputs.Select((o, i) =>
                (outputs[i].AsMemory(0, rows * o.Size), (long[])[rows, .. o.RowShape.Select(d => (long)d)]))]);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check above and the run: report it as the user's object.
            ThrowIfDisposed();
            throw;
        }
        catch (ModelRunException)
        {
            ScoreChecked(rows, feeds, outputs);
        }
    }

    /// <summary>Scores into new arrays and checks the outputs' types: the path that names a model whose output
    /// contradicts its declared one (or rethrows ONNX Runtime's own error).</summary>
    private void ScoreChecked(int rows, (HostBatch Data, long[] Shape)[] feeds, float[][] outputs)
    {
        var arrays = feeds.Select(f => f.Data.ToArray([.. f.Shape.Select(d => (int)d)])).ToArray();
        var results = Session(rows).Run(arrays);
        for (int i = 0; i < outputs.Length; i++)
        {
            var (result, expected) = (results[i], _signature.Outputs[i].RowShape);
            var shape = result.ShapeSpan;
            if (result.DType != DType.Float32 || shape.Length != expected.Length + 1 || shape[0] != rows || !shape[1..].SequenceEqual(expected))
                throw ModelRunException.WrongOutput(_signature.OnnxName(_signature.Outputs[i]),
                    $"float32{Shapes.Format([rows, .. expected])}", $"{result.DType.Name()}{Shapes.Format(result.Shape)}");
            result.Span<float>().CopyTo(outputs[i]);
        }
    }

    /// <summary>The session for <paramref name="rows"/> rows: the single-row one on the CPU, else the batch one.</summary>
    private OnnxSession Session(int rows) => rows == 1 && !Device.IsCuda ? Single() : _session;

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
        new(onnx, signature.Inputs.Select(i => i.ColumnName).ToArray(), [.. signature.Outputs.Select(signature.OnnxName)], device, intraOpThreads);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, typeof(FlaxTransformer));
}
