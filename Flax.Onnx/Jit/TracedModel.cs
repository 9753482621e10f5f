namespace Flax;

/// <summary>
/// A traced program compiled for one device: its ONNX model (parameters as graph inputs, no weights) and the session
/// that runs it. Each run feeds the inputs and the current value of every parameter, so one instance serves every
/// batch size and every set of parameter values of the traced structure. Safe to run from several threads.
/// </summary>
internal sealed class TracedModel : IDisposable
{
    private readonly OnnxSession _session;

    /// <summary>Lowers <paramref name="traced"/> and creates its session on <paramref name="device"/>.</summary>
    /// <param name="traced">The traced program.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="constantsAsInputs">Feed the program's constants at run time (see <see cref="Run(IReadOnlyList{NDArray}, Func{string, NDArray}, Rngs?, IReadOnlyList{NDArray}?)"/>),
    /// so that the model serves every trace of the same structure.</param>
    internal TracedModel(TracedProgram traced, Device device, bool constantsAsInputs = false)
    {
        Traced = traced;
        Onnx = Lowerer.Lower(traced.Program, traced.InputNames, constantsAsInputs ? ParameterForm.FedWithConstants : ParameterForm.Fed,
            device.Resolve().IsCuda ? 0 : NchwcBlock.Size);
        _session = new OnnxSession(Onnx.ToBytes(), [.. Onnx.InputNames, .. Onnx.ParameterNames, .. Onnx.ConstantNames], Onnx.OutputNames, device);
    }

    /// <summary>The traced program and its bookkeeping.</summary>
    internal TracedProgram Traced { get; }

    /// <summary>The lowered model (without weights).</summary>
    internal OnnxModel Onnx { get; }

    /// <summary>The device the session runs on.</summary>
    internal Device Device => _session.Device;

    /// <summary>Runs the program.</summary>
    /// <param name="inputs">One array per input of the traced function.</param>
    /// <param name="parameter">The value of a parameter by path.</param>
    /// <param name="rngs">The run's base keys, from which the program's random inputs are drawn (required when it has
    /// any, <see cref="TracedProgram.RandomInputs"/>).</param>
    /// <param name="constants">The constants of the program being run, when the model feeds them (a program of the
    /// same structure as <see cref="Traced"/>).</param>
    /// <returns>The program outputs; output 0 is the function's result.</returns>
    /// <exception cref="InputMismatchException">An input does not fit its traced type.</exception>
    internal NDArray[] Run(IReadOnlyList<NDArray> inputs, Func<string, NDArray> parameter, Rngs? rngs = null, IReadOnlyList<NDArray>? constants = null) =>
        _session.Run([.. WithRandom(inputs, rngs), .. Onnx.ParameterNames.Select(parameter), .. constants ?? []]);

    /// <summary>
    /// The function's inputs, checked against their traced types, followed by the value of each random input for a run
    /// with base keys <paramref name="rngs"/> at the inputs' batch size: all the program inputs of one run.
    /// </summary>
    /// <exception cref="InputMismatchException">An input does not fit its traced type.</exception>
    internal NDArray[] WithRandom(IReadOnlyList<NDArray> inputs, Rngs? rngs)
    {
        int batch = CheckInputs(inputs);
        var random = Traced.RandomInputs;
        if (random.IsEmpty) return [.. inputs];
        if (rngs is null) throw new InvalidOperationException("The program draws random inputs per run: pass the run's rngs.");
        return [.. inputs, .. random.Select(r => r.Value(rngs, batch))];
    }

    /// <summary>Pins the parameter values once, to feed many runs (<see cref="Run(IReadOnlyList{NDArray}, PinnedInputs, Rngs?)"/>).</summary>
    /// <param name="parameter">The value of a parameter by path.</param>
    internal PinnedInputs Bind(Func<string, NDArray> parameter) => new([.. Onnx.ParameterNames.Select(parameter)]);

    /// <summary>Runs the program with parameters pinned by <see cref="Bind"/>; the caller holds a reference to them.</summary>
    /// <exception cref="InputMismatchException">An input does not fit its traced type.</exception>
    internal NDArray[] Run(IReadOnlyList<NDArray> inputs, PinnedInputs parameters, Rngs? rngs = null) =>
        _session.Run(WithRandom(inputs, rngs), parameters);

    /// <summary>Runs the program with its outputs left in ONNX Runtime memory (<see cref="OnnxSession.RunResident"/>).</summary>
    /// <param name="inputs">All the program inputs (<see cref="WithRandom"/>).</param>
    /// <param name="parameters">The parameter values, in <see cref="OnnxModel.ParameterNames"/> order.</param>
    /// <param name="toHost">The indices of the outputs to write to host memory.</param>
    /// <returns>The outputs, owned by the caller.</returns>
    internal Microsoft.ML.OnnxRuntime.IDisposableReadOnlyCollection<Microsoft.ML.OnnxRuntime.OrtValue> RunResident(
        IReadOnlyList<NDArray> inputs, IReadOnlyList<Microsoft.ML.OnnxRuntime.OrtValue> parameters, IReadOnlyCollection<int> toHost) =>
        _session.RunResident(inputs, parameters, toHost);

    /// <summary>A host copy of an output of <see cref="RunResident"/> (<see cref="OnnxSession.ToHost"/>).</summary>
    internal NDArray ToHost(Microsoft.ML.OnnxRuntime.OrtValue value) => _session.ToHost(value);

    /// <summary>Checks the function's inputs against their traced types and returns their batch size (-1 when no
    /// axis is dynamic).</summary>
    private int CheckInputs(IReadOnlyList<NDArray> inputs)
    {
        var program = Traced.Program;
        int count = Traced.FunctionInputCount;
        if (inputs.Count != count)
            throw new ArgumentException($"The model takes {count} input(s), got {inputs.Count}.", nameof(inputs));
        int batch = -1;
        for (int i = 0; i < inputs.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], nameof(inputs));
            var (type, x, name) = (program.Inputs[i].Type, inputs[i], Traced.InputNames[i]);
            if (x.DType != type.DType || x.Rank != type.Rank)
                throw new InputMismatchException(name, type, x);
            for (int a = 0; a < type.Rank; a++)
            {
                int size = x.ShapeSpan[a];
                if (type.Dims[a] >= 0 && size != type.Dims[a]) throw new InputMismatchException(name, type, x);
                if (type.Dims[a] >= 0) continue;
                if (batch >= 0 && size != batch)
                    throw new InputMismatchException(name, type, x, $"the batch size is {batch} in another input");
                batch = size;
            }
        }
        return batch;
    }

    /// <summary>Takes a reference that keeps the session for this holder's runs even after <see cref="Dispose"/>
    /// (<see cref="OnnxSession.TryAcquire"/>); false once it is released. Return it with <see cref="Release"/>.</summary>
    internal bool TryAcquire() => _session.TryAcquire();

    /// <summary>Returns a reference taken by <see cref="TryAcquire"/> (or handed out by <see cref="ModelCache.GetOrCreate"/>).</summary>
    internal void Release() => _session.Release();

    /// <summary>Releases the owner's reference to the session: it is freed now, or when the last reference is returned.</summary>
    public void Dispose() => _session.Dispose();
}
