using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// One ONNX Runtime session over a serialized model, with the input and output names it is fed and read by. The only
/// owner of its native objects: dispose it once (a second dispose does nothing). <see cref="Run"/> is safe to call
/// from several threads at once, and <see cref="Dispose"/> is safe to call while runs are in flight.
/// </summary>
/// <remarks>
/// Reference-counted like <see cref="PinnedInputs"/>: the owner holds one reference (returned by <see cref="Dispose"/>)
/// and every run holds another for its duration, so the native session is released by whichever finishes last, never
/// under a running call. A run that starts after <see cref="Dispose"/> throws <see cref="ObjectDisposedException"/>.
/// </remarks>
internal sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtMemoryInfo _memory;
    private readonly Lazy<DeviceCopy> _copy;
    private int _disposed;
    private int _references = 1;

    /// <summary>Creates a session on <paramref name="device"/> (see <see cref="Providers.Open"/> for the fallback).</summary>
    /// <param name="model">The serialized <c>ModelProto</c>.</param>
    /// <param name="inputNames">The graph inputs <see cref="Run"/> feeds, in order (overridable initializers included).</param>
    /// <param name="outputNames">The graph outputs <see cref="Run"/> returns, in order.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="intraOpThreads">ONNX Runtime's intra-op thread count; 0 (the default) takes one per physical core
    /// (<see cref="PhysicalCores"/>). A session for single rows is faster with 1: waking a thread pool costs more than a
    /// tiny run.</param>
    internal OnnxSession(byte[] model, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, Device device,
        int intraOpThreads = 0)
    {
        _inputNames = [.. inputNames];
        _outputNames = [.. outputNames];
        _session = Providers.Open(model, device, out var used, intraOpThreads);
        Device = used;
        _copy = new(() => new DeviceCopy(used));
        try
        {
            _memory = used.IsCuda
                ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, used.CudaId, OrtMemType.Default)
                : OrtMemoryInfo.DefaultInstance;
            _runOptions = new RunOptions();
        }
        catch
        {
            if (used.IsCuda) _memory?.Dispose();
            using (DeviceLock.Enter(used))
                _session.Dispose();
            throw;
        }
    }

    /// <summary>The concrete device the session runs on (<see cref="Device.Auto"/> resolved).</summary>
    internal Device Device { get; }

    /// <summary>ONNX Runtime's name of the execution provider that runs the session.</summary>
    internal string Provider => Device.IsCuda ? Providers.Cuda : Providers.Cpu;

    /// <summary>The names of the inputs <see cref="Run"/> takes, in order.</summary>
    internal IReadOnlyList<string> InputNames => _inputNames;

    /// <summary>The names of the outputs <see cref="Run"/> returns, in order.</summary>
    internal IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>
    /// Runs the model. <paramref name="inputs"/> are pinned for this run and handed to ONNX Runtime without a copy,
    /// followed by the already pinned <paramref name="rest"/> (which the caller keeps referenced during the call);
    /// outputs are copied into new arrays before ONNX Runtime's results are released.
    /// </summary>
    /// <param name="inputs">The first inputs in <see cref="InputNames"/> order; they are only read.</param>
    /// <param name="rest">The remaining inputs, or null.</param>
    /// <returns>One array per name of <see cref="OutputNames"/>, in order.</returns>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    /// <exception cref="ArgumentException">The number of inputs is wrong.</exception>
    /// <exception cref="ModelRunException">ONNX Runtime rejected the run (e.g. an index out of range).</exception>
    internal NDArray[] Run(IReadOnlyList<NDArray> inputs, PinnedInputs? rest = null)
    {
        ObjectDisposedException.ThrowIf(!TryAcquire(), this);
        try
        {
            int count = inputs.Count + (rest?.Values.Length ?? 0);
            if (count != _inputNames.Length)
                throw new ArgumentException($"The model takes {_inputNames.Length} inputs, got {count}.", nameof(inputs));
            return RunAcquired(inputs, rest, count);
        }
        finally
        {
            Release();
        }
    }

    private NDArray[] RunAcquired(IReadOnlyList<NDArray> inputs, PinnedInputs? rest, int count)
    {
        var pins = new MemoryHandle[inputs.Count];
        var values = new OrtValue[count];
        try
        {
            for (int i = 0; i < inputs.Count; i++)
                values[i] = Pin(inputs[i], out pins[i]);
            rest?.Values.CopyTo(values, inputs.Count);
            using var results = RunNative(values);
            var outputs = new NDArray[results.Count];
            int k = 0;
            foreach (var result in results)
                outputs[k++] = HostCopy(result);
            return outputs;
        }
        finally
        {
            for (int i = 0; i < inputs.Count; i++) values[i]?.Dispose();
            foreach (var pin in pins) pin.Dispose();
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunNative(OrtValue[] values)
    {
        try
        {
            using (DeviceLock.Enter(Device))
                return _session.Run(_runOptions, _inputNames, values, _outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw ModelRunException.From(e);
        }
    }

    /// <summary>
    /// Runs the model on inputs in caller-owned memory and writes its float32 outputs into caller-owned
    /// memory: ONNX Runtime reads and writes those buffers in place (no copy on either side; the scoring path).
    /// </summary>
    /// <param name="inputs">One buffer and shape per name of <see cref="InputNames"/> (the buffer holds at least the
    /// shape's values); only read.</param>
    /// <param name="outputs">One buffer and shape per name of <see cref="OutputNames"/>.</param>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    /// <exception cref="ArgumentException">The number of inputs or outputs is wrong.</exception>
    /// <exception cref="ModelRunException">ONNX Runtime rejected the run, for example because the output does not
    /// have its shape.</exception>
    internal void RunInto(IReadOnlyList<(HostBatch Data, long[] Shape)> inputs, IReadOnlyList<(Memory<float> Buffer, long[] Shape)> outputs)
    {
        ObjectDisposedException.ThrowIf(!TryAcquire(), this);
        var values = new OrtValue[inputs.Count];
        var results = new OrtValue[outputs.Count];
        try
        {
            if (inputs.Count != _inputNames.Length || outputs.Count != _outputNames.Length)
                throw new ArgumentException($"The model takes {_inputNames.Length} inputs and gives {_outputNames.Length} outputs, got {inputs.Count} inputs and {outputs.Count} outputs.", nameof(inputs));
            for (int i = 0; i < values.Length; i++)
                values[i] = inputs[i].Data.Wrap(inputs[i].Shape);
            for (int i = 0; i < results.Length; i++)
                results[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputs[i].Buffer, outputs[i].Shape);
            try
            {
                using (DeviceLock.Enter(Device))
                    _session.Run(_runOptions, _inputNames, values, _outputNames, results);
            }
            catch (OnnxRuntimeException e)
            {
                throw ModelRunException.From(e);
            }
        }
        finally
        {
            foreach (var value in values) value?.Dispose();
            foreach (var result in results) result?.Dispose();
            Release();
        }
    }

    /// <summary>Pins <paramref name="array"/>'s buffer and wraps it as an ONNX Runtime tensor (no copy).</summary>
    internal static unsafe OrtValue Pin(NDArray array, out MemoryHandle pin)
    {
        var shape = new long[array.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = array.ShapeSpan[d];
        pin = array.Buffer.AsMemory().Pin();
        try
        {
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OrtTypes.ElementType(array.DType),
                shape, (IntPtr)pin.Pointer, array.Buffer.LongLength);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model with its outputs left in ONNX Runtime memory on the session's device (an I/O binding: on CUDA
    /// they stay on the GPU), for a caller that feeds them to later runs, except the outputs <paramref name="toHost"/>
    /// selects, which ONNX Runtime writes to host memory. <paramref name="inputs"/> are pinned for the run and handed
    /// over without a copy, followed by <paramref name="rest"/> (values the caller owns, on the host or the session's
    /// device).
    /// </summary>
    /// <returns>One value per name of <see cref="OutputNames"/>, in order, owned by the caller: disposing the collection
    /// releases them.</returns>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    /// <exception cref="ArgumentException">The number of inputs is wrong.</exception>
    /// <exception cref="ModelRunException">ONNX Runtime rejected the run.</exception>
    internal IDisposableReadOnlyCollection<OrtValue> RunResident(IReadOnlyList<NDArray> inputs, IReadOnlyList<OrtValue> rest,
        IReadOnlyCollection<int> toHost)
    {
        ObjectDisposedException.ThrowIf(!TryAcquire(), this);
        var pins = new MemoryHandle[inputs.Count];
        var pinned = new OrtValue[inputs.Count];
        try
        {
            if (inputs.Count + rest.Count != _inputNames.Length)
                throw new ArgumentException($"The model takes {_inputNames.Length} inputs, got {inputs.Count + rest.Count}.", nameof(inputs));
            using var binding = _session.CreateIoBinding();
            for (int i = 0; i < inputs.Count; i++)
                binding.BindInput(_inputNames[i], pinned[i] = Pin(inputs[i], out pins[i]));
            for (int i = 0; i < rest.Count; i++) binding.BindInput(_inputNames[inputs.Count + i], rest[i]);
            for (int i = 0; i < _outputNames.Length; i++)
                binding.BindOutputToDevice(_outputNames[i], toHost.Contains(i) ? OrtMemoryInfo.DefaultInstance : _memory);
            try
            {
                using (DeviceLock.Enter(Device))
                {
                    _session.RunWithBinding(_runOptions, binding);
                    return binding.GetOutputValues();
                }
            }
            catch (OnnxRuntimeException e)
            {
                throw ModelRunException.From(e);
            }
        }
        finally
        {
            foreach (var value in pinned) value?.Dispose();
            foreach (var pin in pins) pin.Dispose();
            Release();
        }
    }

    /// <summary>Copies a tensor of this session (on the host or in its device's memory) into a new array.</summary>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    internal NDArray ToHost(OrtValue value)
    {
        if (value.GetTensorMemoryInfo().GetDeviceType() == OrtMemoryInfoDeviceType.CPU) return HostCopy(value);
        ObjectDisposedException.ThrowIf(!TryAcquire(), this);
        try
        {
            return _copy.Value.ToHost(value);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Copies a tensor in host memory into a new array.</summary>
    internal static NDArray HostCopy(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = Array.ConvertAll(info.Shape, d => checked((int)d));
        return NDArray.FromBytes(OrtTypes.ToDType(info.ElementDataType), shape, value.GetTensorDataAsSpan<byte>().ToArray());
    }

    /// <summary>Takes a reference (one per run, or a holder's that keeps the session for later runs); false once the
    /// session is disposed. Return it with <see cref="Release"/>.</summary>
    internal bool TryAcquire() => ReferenceCount.TryAcquire(ref _references);

    /// <summary>Returns a reference; the last one releases the run options, the device's memory info and the session.</summary>
    internal void Release()
    {
        if (!ReferenceCount.Release(ref _references)) return;
        _runOptions.Dispose();
        if (_copy.IsValueCreated) _copy.Value.Dispose();
        if (Device.IsCuda) _memory.Dispose();
        using (DeviceLock.Enter(Device))
            _session.Dispose();
    }

    /// <summary>
    /// Returns the owner's reference: later runs throw <see cref="ObjectDisposedException"/>, and the run options and
    /// the session are released now, or by the last run in flight when it finishes. A second call does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Release();
    }
}
