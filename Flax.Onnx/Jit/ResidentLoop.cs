using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// A traced program run again and again with its parameters carried from one run to the next (a training step's
/// params, optimizer state and batch statistics): after each run, every parameter that the program returns updated
/// (a variable leaf of the same path read from an output) takes that output's ONNX Runtime value as its next input.
/// The values stay in ONNX Runtime memory on the session's device between runs (on CUDA, on the GPU); they reach the
/// host only through <see cref="Read"/>.
/// </summary>
/// <remarks>
/// The only owner of the values it holds: the pinned initial values, and the outputs of the last run (released when
/// the next run replaces them, or on <see cref="Dispose"/>). Not safe for concurrent use.
/// </remarks>
internal sealed class ResidentLoop : IDisposable
{
    private readonly TracedModel _model;
    private readonly PinnedInputs _initial;
    private readonly Dictionary<string, int> _parameters;
    private readonly int[] _feedback;
    private readonly OrtValue[] _current;
    private IDisposableReadOnlyCollection<OrtValue>? _last;
    private bool _disposed;

    /// <summary>Starts the loop of <paramref name="model"/> from the parameter values <paramref name="initial"/>.</summary>
    /// <param name="model">The compiled program; its returned variables name the parameters it updates.</param>
    /// <param name="initial">The value of each parameter by path before the first run.</param>
    internal ResidentLoop(TracedModel model, Func<string, NDArray> initial)
    {
        _model = model;
        var names = model.Onnx.ParameterNames;
        _parameters = names.Select((name, i) => KeyValuePair.Create(name, i)).ToDictionary();
        var outputs = (model.Traced.Variables ?? []).Where(leaf => leaf.Value is LeafSource.Output)
            .ToDictionary(leaf => leaf.Key, leaf => ((LeafSource.Output)leaf.Value).Index);
        _feedback = [.. names.Select(name => outputs.TryGetValue(name, out var index) ? index : -1)];
        _initial = model.Bind(initial);
        _current = [.. _initial.Values];
    }

    /// <summary>
    /// Runs the program once on <paramref name="inputs"/> with the current parameters, then carries the updated ones.
    /// </summary>
    /// <param name="inputs">All the program inputs of this run (the function's and the random ones, <see cref="TracedModel.WithRandom"/>).</param>
    /// <param name="read">The indices of the outputs to copy to the host (metrics such as the loss); ONNX Runtime writes
    /// them to host memory.</param>
    /// <returns>Host copies of the outputs <paramref name="read"/> selects, in its order.</returns>
    /// <exception cref="ObjectDisposedException">The loop was disposed.</exception>
    /// <exception cref="ModelRunException">ONNX Runtime rejected the run.</exception>
    internal NDArray[] Run(IReadOnlyList<NDArray> inputs, IReadOnlyList<int> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var results = _model.RunResident(inputs, _current, read);
        try
        {
            var values = results.ToArray();
            var host = read.Select(i => _model.ToHost(values[i])).ToArray();
            for (int p = 0; p < _current.Length; p++)
                if (_feedback[p] >= 0) _current[p] = values[_feedback[p]];
            (_last, results) = (results, _last);
            return host;
        }
        finally
        {
            results?.Dispose();
        }
    }

    /// <summary>A host copy of the current value of parameter <paramref name="path"/>.</summary>
    /// <exception cref="ObjectDisposedException">The loop was disposed.</exception>
    /// <exception cref="KeyNotFoundException">The program has no such parameter.</exception>
    internal NDArray Read(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _model.ToHost(_current[_parameters[path]]);
    }

    /// <summary>Releases the last run's outputs and the pinned initial values.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _last?.Dispose();
        _initial.Dispose();
    }
}
