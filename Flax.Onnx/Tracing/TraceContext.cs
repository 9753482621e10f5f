using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// Records the equations of one traced function into a <see cref="Program"/> (Autodidax's staging interpreter;
/// JAX's <c>DynamicJaxprTrace</c>). Creating a context installs it as the current one on this thread; disposing it
/// restores the previous one, so contexts nest like <c>using</c> blocks. Every <see cref="Tensor"/> operation appends
/// an equation to the current context, and a tensor is usable only while the context that made it is the current
/// one (<see cref="UnexpectedTensorException"/> otherwise).
/// </summary>
/// <example>
/// How <c>Core.Init/Apply/Export</c> drive it:
/// <code>
/// using var trace = new TraceContext();
/// Tensor x = trace.AddInput(new TensorSpec(DType.Float32, -1, 3));
/// Tensor kernel = trace.AddParameter("params/Dense_0/kernel", [3, 4], DType.Float32);
/// trace.AddOutput("output_0", Tensor.MatMul(x, kernel));
/// Program program = trace.Finish();
/// </code>
/// </example>
internal sealed class TraceContext : IDisposable
{
    [ThreadStatic] private static TraceContext? s_current;

    private readonly TraceContext? _previous;
    private readonly List<Var> _inputs = [];
    private readonly Dictionary<string, Tensor> _parameters = new(StringComparer.Ordinal);
    private readonly List<ProgramParameter> _parameterOrder = [];
    private readonly List<ProgramConstant> _constants = [];
    private readonly List<Eqn> _eqns = [];
    private readonly List<ProgramOutput> _outputs = [];
    private readonly Stack<string> _scopePaths = new();
    private bool _finished;
    private bool _disposed;

    /// <summary>Starts a trace and makes it the current one on this thread.</summary>
    internal TraceContext()
    {
        _previous = s_current;
        s_current = this;
    }

    /// <summary>
    /// Closure conversion (JAX's for <c>while_loop</c>'s functions): when set, a tensor of an enclosing trace that is
    /// still recording may be used here, and this function gives the tensor of this trace that stands for it (an input
    /// it adds on first use). Unset, such a tensor throws <see cref="UnexpectedTensorException"/>.
    /// </summary>
    internal Func<Tensor, Tensor>? Capture { get; set; }

    /// <summary>Whether <paramref name="trace"/> encloses this one (is a trace installed before it) and still records.</summary>
    internal bool Encloses(TraceContext trace)
    {
        for (var t = _previous; t is not null; t = t._previous)
            if (ReferenceEquals(t, trace)) return !t._finished;
        return false;
    }

    /// <summary><paramref name="tensor"/>, or the tensor of this trace standing for it when it belongs to an enclosing
    /// trace and this trace captures (<see cref="Capture"/>).</summary>
    internal Tensor Resolve(Tensor tensor) =>
        Capture is { } capture && !ReferenceEquals(tensor.Trace, this) && IsActive && Encloses(tensor.Trace) ? capture(tensor) : tensor;

    /// <summary>The innermost trace on this thread, or null outside any trace.</summary>
    internal static TraceContext? Current => s_current;

    /// <summary>Whether this trace is current and still recording, i.e. its tensors may be used.</summary>
    internal bool IsActive => ReferenceEquals(s_current, this) && !_finished;

    /// <summary>Whether some input has a dynamic (-1) axis, which gives the program's batch size.</summary>
    internal bool HasDynamicInput => _inputs.Any(v => v.Type.IsDynamic);

    /// <summary>A new program input of the spec's shape and dtype (-1 = the dynamic batch size).</summary>
    internal Tensor AddInput(TensorSpec spec)
    {
        CheckRecording();
        var v = new Var(new TensorType(spec.DType, spec.Shape));
        _inputs.Add(v);
        return new Tensor(this, v);
    }

    /// <summary>
    /// The value of the Flax variable <paramref name="path"/> (<c>collection/path/name</c>, e.g.
    /// <c>params/Dense_0/kernel</c>) read from the variable dict: a program parameter, created on first use. Reading
    /// the same path again returns the same tensor.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is dynamic, or the path was read before with another type.</exception>
    internal Tensor AddParameter(string path, int[] shape, DType dtype)
    {
        CheckRecording();
        var type = new TensorType(dtype, shape);
        if (type.IsDynamic)
            throw new ArgumentException($"Parameter '{path}' must have a static shape, got {Shapes.Format(shape)}.", nameof(shape));
        if (_parameters.TryGetValue(path, out var existing))
        {
            if (!existing.Type.Equals(type))
                throw new ArgumentException($"Parameter '{path}' was read as {existing.Type} and now as {type}.", nameof(shape));
            return existing;
        }
        var tensor = new Tensor(this, new Var(type));
        _parameters.Add(path, tensor);
        _parameterOrder.Add(new ProgramParameter(path, tensor.Variable));
        return tensor;
    }

    /// <summary>A constant holding <paramref name="value"/> (arrays are immutable, so it is not copied).</summary>
    internal Tensor AddConstant(NDArray value)
    {
        CheckRecording();
        var v = new Var(new TensorType(value.DType, value.Shape));
        _constants.Add(new ProgramConstant(v, value));
        return new Tensor(this, v);
    }

    /// <summary>The host value of <paramref name="tensor"/> when it is a constant of this trace (a host array made a
    /// tensor), else null.</summary>
    internal NDArray? ConstantValue(Tensor tensor) =>
        _constants.FindLast(c => ReferenceEquals(c.Var, tensor.Variable))?.Value;

    /// <summary>The program output name of the traced function's result.</summary>
    internal const string ResultName = "output_0";

    /// <summary>Marks the traced function's result as program output <see cref="ResultName"/>.</summary>
    /// <exception cref="UntracedOutputException">The function returned null.</exception>
    /// <exception cref="UnexpectedTensorException">The tensor belongs to another trace.</exception>
    internal void AddResult(Tensor? result) => AddOutput(ResultName, result ?? throw new UntracedOutputException());

    /// <summary>Marks <paramref name="value"/> as the program output <paramref name="name"/>: <c>output_0, ...</c> for the
    /// function's results, <c>collection/path/name</c> for a value written to a mutable collection.</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    /// <exception cref="UnexpectedTensorException">The tensor belongs to another trace.</exception>
    internal void AddOutput(string name, Tensor value)
    {
        CheckRecording();
        value = Resolve(value);
        Own(value);
        if (_outputs.Any(o => o.Name == name))
            throw new ArgumentException($"The program already has an output named '{name}'.", nameof(name));
        _outputs.Add(new ProgramOutput(name, value.Variable));
    }

    /// <summary>The equations recorded so far, in order (a pass such as <c>Core.Vjp</c> reads a range of them).</summary>
    internal IReadOnlyList<Eqn> Eqns => _eqns;

    /// <summary>Drops the equations recorded after the first <paramref name="count"/>: a transform that traced a region
    /// only to close it into a program of its own (<c>custom_vjp</c>'s rules) removes it, so it is neither replayed nor
    /// lowered. Nothing recorded before may read the dropped equations' outputs.</summary>
    internal void Truncate(int count)
    {
        CheckRecording();
        _eqns.RemoveRange(count, _eqns.Count - count);
    }

    /// <summary>Records the equations appended until disposal under the Flax scope path <paramref name="scopePath"/>
    /// (e.g. <c>/Dense_0</c>); scopes nest and the innermost wins.</summary>
    internal IDisposable InScope(string scopePath)
    {
        _scopePaths.Push(scopePath);
        return new ScopeExit(_scopePaths);
    }

    /// <summary>The innermost scope path of <see cref="InScope"/> (the layer now tracing), or null outside one.</summary>
    internal string? ScopePath => _scopePaths.TryPeek(out var path) ? path : null;

    /// <summary>Appends <c>primitive[parameters](args)</c> and returns its output.</summary>
    /// <exception cref="UnexpectedTensorException">An argument belongs to another trace.</exception>
    /// <exception cref="ArgumentException">The arguments do not fit the primitive (from <see cref="ShapeInference"/>),
    /// or it has several outputs (use <see cref="BindAll"/>).</exception>
    internal Tensor Bind(Primitive primitive, EqnParams parameters, params ReadOnlySpan<Tensor> args)
    {
        var types = Inputs(args, out var inputs);
        var output = new Var(ShapeInference.Infer(primitive, parameters, types));
        _eqns.Add(new Eqn(primitive, inputs, parameters, [output], _scopePaths.TryPeek(out var path) ? path : ""));
        return new Tensor(this, output);
    }

    /// <summary>Appends <c>primitive[parameters](args)</c> and returns all its outputs (one for a single-output
    /// primitive, several for one that <see cref="Primitives.HasManyOutputs"/>).</summary>
    /// <exception cref="UnexpectedTensorException">An argument belongs to another trace.</exception>
    /// <exception cref="ArgumentException">The arguments do not fit the primitive (from <see cref="ShapeInference"/>).</exception>
    internal ImmutableArray<Tensor> BindAll(Primitive primitive, EqnParams parameters, params ReadOnlySpan<Tensor> args)
    {
        var types = Inputs(args, out var inputs);
        var outputs = ImmutableArray.CreateRange(ShapeInference.InferAll(primitive, parameters, types), t => new Var(t));
        _eqns.Add(new Eqn(primitive, inputs, parameters, outputs, _scopePaths.TryPeek(out var path) ? path : ""));
        return ImmutableArray.CreateRange(outputs, v => new Tensor(this, v));
    }

    /// <summary>The variables and types of <paramref name="args"/>, once each is checked to belong to this trace.</summary>
    private TensorType[] Inputs(ReadOnlySpan<Tensor> args, out ImmutableArray<Var> inputs)
    {
        var vars = new Var[args.Length];
        var types = new TensorType[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            var arg = Resolve(args[i]);
            Own(arg);
            (vars[i], types[i]) = (arg.Variable, arg.Type);
        }
        CheckRecording();
        inputs = ImmutableArray.Create(vars);
        return types;
    }

    /// <summary>Ends recording and returns the program, checked.</summary>
    /// <exception cref="ProgramCheckException">The recorded program is ill-formed (a bug in tracing).</exception>
    internal Program Finish()
    {
        CheckRecording();
        _finished = true;
        return ProgramChecker.Check(new Program(
            [.. _inputs], [.. _parameterOrder], [.. _constants], [.. _eqns], [.. _outputs]));
    }

    /// <summary>Restores the previous trace.</summary>
    /// <exception cref="InvalidOperationException">An inner trace is still installed.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(s_current, this))
            throw new InvalidOperationException("Trace contexts must be disposed innermost first, on the thread that created them.");
        _disposed = true;
        s_current = _previous;
    }

    /// <summary>Throws unless <paramref name="tensor"/> was made by this trace, which must be current and recording.</summary>
    internal void Own(Tensor tensor)
    {
        if (!ReferenceEquals(tensor.Trace, this) || !IsActive)
            throw new UnexpectedTensorException(tensor, Current is { } current && !ReferenceEquals(current, tensor.Trace) && current.IsActive);
    }

    private void CheckRecording()
    {
        if (!IsActive)
            throw new InvalidOperationException(_finished ? "This trace has finished; it records nothing more." : "This trace is not the current one on this thread.");
    }

    private sealed class ScopeExit(Stack<string> paths) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            paths.Pop();
        }
    }
}
