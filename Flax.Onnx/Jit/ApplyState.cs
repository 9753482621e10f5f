namespace Flax;

/// <summary>
/// The memory of one function returned by <c>Core.Apply</c>: the variables object and compiled
/// model of its last call, with that call's parameters pinned for ONNX Runtime. A call with the same (immutable)
/// variables object and fitting inputs skips flattening, the cache lookup and re-wrapping the parameters. From the
/// <see cref="SpecializeAfter"/>-th such call on, a <see cref="BoundModel"/> with those parameters embedded is built in
/// the background, and the calls run it once it is ready (JAX's jit, too, folds values a function closes over into
/// the compiled program). The pinned parameters and the bound model are released when another variables object
/// replaces them; the pins also when the function is collected.
/// </summary>
internal sealed class ApplyState
{
    /// <summary>The calls with one variables object after which its values are compiled into the model: a session
    /// takes tens of milliseconds to build, which a few calls of a small model do not repay.</summary>
    internal const int SpecializeAfter = 8;

    /// <summary>The most parameter bytes compiled into a model: past it the parameters stay fed, since building the
    /// bound session holds two more copies of them for a while (the serialized model and ONNX Runtime's).</summary>
    internal const long MaxBoundBytes = 256L << 20;

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
    internal void Remember(LastCall call) => Interlocked.Exchange(ref _last, call)?.Release();

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

    /// <summary>One remembered call, and the model bound to its parameters once built.</summary>
    internal sealed record LastCall(VariableDict Variables, TracedModel Model, PinnedInputs Parameters, IReadOnlyDictionary<string, object> Flat)
    {
        private int _calls, _released;
        private BoundModel? _bound;

        /// <summary>The building of the bound model, once started (for tests to wait on).</summary>
        internal Task? Binding { get; private set; }

        /// <summary>The bound model when it is ready, else null; counts the call and, at the
        /// <see cref="SpecializeAfter"/>-th, starts building it in the background.</summary>
        internal BoundModel? Bound()
        {
            if (Volatile.Read(ref _bound) is { } bound) return bound;
            if (Interlocked.Increment(ref _calls) == SpecializeAfter && Parameters.Arrays.Sum(a => (long)a.Bytes.Length) <= MaxBoundBytes)
                // A thread of its own: building a session blocks for tens of milliseconds or more, and a busy or
                // blocked thread pool would otherwise delay the start by as long again.
                Binding = Task.Factory.StartNew(Bind, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return null;
        }

        /// <summary>Returns the creator's reference to the pinned parameters and disposes the bound model (built or
        /// still to come).</summary>
        internal void Release()
        {
            Volatile.Write(ref _released, 1);
            Interlocked.Exchange(ref _bound, null)?.Dispose();
            Parameters.Release();
        }

        private void Bind()
        {
            BoundModel bound;
            try
            {
                bound = new BoundModel(Model, Model.Traced.ParameterValues(Flat));
            }
            catch (Exception e)
            {
                // The fed model keeps serving; nothing the caller asked for failed.
                System.Diagnostics.Trace.TraceWarning($"Flax: could not compile the parameters into the model, running it with fed parameters: {e.Message}");
                return;
            }
            Volatile.Write(ref _bound, bound);
            if (Volatile.Read(ref _released) != 0) Interlocked.Exchange(ref _bound, null)?.Dispose();
        }
    }
}
