using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Flax;

/// <summary>
/// Arrays pinned once and wrapped as ONNX Runtime values, to feed many runs without re-wrapping them (a model's
/// parameters between calls with the same variables). Reference-counted: the creator holds one reference (released
/// by <see cref="Dispose"/>) and every run using the values holds another, so the values outlive in-flight runs and are
/// released, and the arrays unpinned, when the last reference goes.
/// </summary>
internal sealed class PinnedInputs : IDisposable
{
    private readonly MemoryHandle[] _pins;
    private int _references = 1;

    internal PinnedInputs(IReadOnlyList<NDArray> arrays)
    {
        Arrays = [.. arrays];
        _pins = new MemoryHandle[arrays.Count];
        Values = new OrtValue[arrays.Count];
        try
        {
            for (int i = 0; i < Values.Length; i++) Values[i] = OnnxSession.Pin(arrays[i], out _pins[i]);
        }
        catch
        {
            Free();
            throw;
        }
    }

    /// <summary>The pinned arrays, in order.</summary>
    internal NDArray[] Arrays { get; }

    /// <summary>The values over them, in order; valid while a reference is held.</summary>
    internal OrtValue[] Values { get; }

    /// <summary>Takes a reference for a run; false once the values are released.</summary>
    internal bool TryAcquire() => ReferenceCount.TryAcquire(ref _references);

    /// <summary>Returns a reference; the last one releases the values and unpins the arrays.</summary>
    internal void Release()
    {
        if (ReferenceCount.Release(ref _references)) Free();
    }

    /// <summary>Returns the creator's reference.</summary>
    public void Dispose() => Release();

    private void Free()
    {
        foreach (var value in Values) value?.Dispose();
        foreach (var pin in _pins) pin.Dispose();
    }
}
