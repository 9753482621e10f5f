using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// One ONNX Runtime session over a serialized model, with the input and output names it is fed and read by. The only
/// owner of its native objects: dispose it once (a second dispose does nothing). <see cref="Run"/> is safe to call
/// from several threads at once.
/// </summary>
internal sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private int _disposed;

    /// <summary>Creates a session on <paramref name="device"/> (see <see cref="Providers.Open"/> for the fallback).</summary>
    /// <param name="model">The serialized <c>ModelProto</c>.</param>
    /// <param name="inputNames">The graph inputs <see cref="Run"/> feeds, in order (overridable initializers included).</param>
    /// <param name="outputNames">The graph outputs <see cref="Run"/> returns, in order.</param>
    /// <param name="device">Where to run.</param>
    internal OnnxSession(byte[] model, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, Device device)
    {
        _inputNames = [.. inputNames];
        _outputNames = [.. outputNames];
        _session = Providers.Open(model, device, out var used);
        Device = used;
        try
        {
            _runOptions = new RunOptions();
        }
        catch
        {
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
    internal NDArray[] Run(IReadOnlyList<NDArray> inputs, PinnedInputs? rest = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        int count = inputs.Count + (rest?.Values.Length ?? 0);
        if (count != _inputNames.Length)
            throw new ArgumentException($"The model takes {_inputNames.Length} inputs, got {count}.", nameof(inputs));
        var pins = new MemoryHandle[inputs.Count];
        var values = new OrtValue[count];
        try
        {
            for (int i = 0; i < inputs.Count; i++)
                values[i] = Pin(inputs[i], out pins[i]);
            rest?.Values.CopyTo(values, inputs.Count);
            using var results = _session.Run(_runOptions, _inputNames, values, _outputNames);
            var outputs = new NDArray[results.Count];
            int k = 0;
            foreach (var result in results)
                outputs[k++] = CopyOut(result);
            return outputs;
        }
        finally
        {
            for (int i = 0; i < inputs.Count; i++) values[i]?.Dispose();
            foreach (var pin in pins) pin.Dispose();
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

    private static NDArray CopyOut(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = Array.ConvertAll(info.Shape, d => checked((int)d));
        return NDArray.FromBytes(OrtTypes.ToDType(info.ElementDataType), shape, value.GetTensorDataAsSpan<byte>().ToArray());
    }

    /// <summary>Releases the run options and the session.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _runOptions.Dispose();
        _session.Dispose();
    }
}
