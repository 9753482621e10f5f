namespace Flax;

/// <summary>
/// The memory of one function returned by <c>Core.Apply</c>: the variables object and compiled
/// model of its last call, with that call's parameters pinned for ONNX Runtime. A call with the same (immutable)
/// variables object and fitting inputs skips flattening, the cache lookup and re-wrapping the parameters. The pinned
/// parameters are released when another variables object replaces them, or when the function is collected.
/// </summary>
internal sealed class ApplyState
{
    private LastCall? _last;

    /// <summary>Releases the pinned parameters of a collected function.</summary>
    ~ApplyState() => _last?.Parameters.Release();

    /// <summary>The last call's compiled model when <paramref name="variables"/> is the same object and the inputs fit
    /// its signatures, with a reference to its pinned parameters and one to its model the caller must release (null
    /// when the model has since been evicted from the cache and released).</summary>
    internal LastCall? TryReuse(VariableDict variables, NDArray[] inputs)
    {
        var last = Volatile.Read(ref _last);
        if (last is null || !ReferenceEquals(last.Variables, variables) || !Fits(last.Model.Traced.Program.Inputs, inputs)) return null;
        if (!last.Parameters.TryAcquire()) return null;
        if (last.Model.TryAcquire()) return last;
        last.Parameters.Release();
        return null;
    }

    /// <summary>Remembers <paramref name="call"/> (whose pinned parameters it now owns) and releases the previous one.</summary>
    internal void Remember(LastCall call) => Interlocked.Exchange(ref _last, call)?.Parameters.Release();

    /// <summary>Whether the inputs have the program inputs' dtypes and static sizes, with one size for every dynamic axis.</summary>
    private static bool Fits(System.Collections.Immutable.ImmutableArray<Var> types, NDArray[] inputs)
    {
        if (types.Length != inputs.Length) return false;
        int batch = -1;
        for (int i = 0; i < types.Length; i++)
        {
            var (type, x) = (types[i].Type, inputs[i]);
            if (x is null || x.DType != type.DType || x.Rank != type.Rank) return false;
            for (int a = 0; a < x.Rank; a++)
            {
                int expected = type.Dims[a], size = x.ShapeSpan[a];
                if (expected >= 0 ? size != expected : batch >= 0 && size != batch) return false;
                if (expected < 0) batch = size;
            }
        }
        return true;
    }

    /// <summary>One remembered call.</summary>
    internal sealed record LastCall(VariableDict Variables, TracedModel Model, PinnedInputs Parameters, IReadOnlyDictionary<string, object> Flat);
}
