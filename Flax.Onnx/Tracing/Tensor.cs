using System.Collections.Immutable;

namespace Flax;

/// <summary>
/// A symbolic array inside a traced function (JAX's tracer): a shape, whose leading axis may be the dynamic batch
/// size (-1), and a dtype, but no data. Every operation records an equation in the current trace and returns a new
/// tensor; nothing is computed until the traced program runs.
/// </summary>
/// <remarks>
/// <para>Style: arithmetic and comparisons are operators (<c>x * 0.5f</c>, <c>-x</c>, <c>x &lt; y</c>; use
/// <see cref="Equal(Tensor, Tensor)"/>/<see cref="NotEqual(Tensor, Tensor)"/> for <c>==</c>/<c>!=</c>, which keep reference meaning); operations on one
/// tensor are instance methods like <c>jnp.ndarray</c>'s (<c>x.Sum(1)</c>, <c>x.Reshape(2, -1)</c>, <c>x.Exp()</c>);
/// operations on several are static methods named after <c>jnp</c>/<c>lax</c> (<see cref="Where(Tensor, Tensor, Tensor)"/>,
/// <see cref="Concat"/>, <see cref="Maximum(Tensor, Tensor)"/>, <see cref="MatMul"/>, <see cref="DotGeneral"/>,
/// <see cref="ConvGeneralDilated"/>). Axes may be negative (counted from the end).</para>
/// <para>Operands broadcast by NumPy rules and promote to a common dtype (bool &lt; integers &lt; floats, wider wins).
/// Numbers mixing with a tensor are weakly typed like Python scalars in JAX: they take the tensor's dtype, except a
/// non-integral number with an integer tensor gives float32. A host <see cref="NDArray"/> converts implicitly into a
/// constant of the current trace.</para>
/// <para>Shape errors throw <see cref="ArgumentException"/> naming the shapes; using a tensor outside its trace
/// throws <see cref="UnexpectedTensorException"/>.</para>
/// </remarks>
public sealed partial class Tensor : IShaped
{
    internal Tensor(TraceContext trace, Var variable)
    {
        Trace = trace;
        Variable = variable;
    }

    /// <summary>The trace that created this tensor.</summary>
    internal TraceContext Trace { get; }

    /// <summary>The IR variable this tensor stands for.</summary>
    internal Var Variable { get; }

    /// <summary>The abstract value (shape and dtype).</summary>
    internal TensorType Type => Variable.Type;

    /// <summary>The dimension sizes; the dynamic batch size is -1.</summary>
    public int[] Shape => Type.Shape;

    /// <inheritdoc/>
    public DType DType => Type.DType;

    /// <summary>The number of axes (<c>ndim</c>).</summary>
    public int Rank => Type.Rank;

    /// <summary>Shows the abstract value: <c>Tensor(f32[?,4])</c>.</summary>
    public override string ToString() => $"Tensor({Type})";

    /// <summary>A constant of the current trace holding <paramref name="value"/> (<c>jnp.asarray</c> on a host array).</summary>
    /// <exception cref="InvalidOperationException">No trace is recording on this thread.</exception>
    public static implicit operator Tensor(NDArray value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return CurrentTrace().AddConstant(value);
    }

    /// <summary>The trace recording on this thread.</summary>
    private static TraceContext CurrentTrace() => TraceContext.Current is { IsActive: true } trace ? trace
        : throw new InvalidOperationException("A host array or number can become a Tensor only while a function is being traced (inside Core.Init, Core.Apply or Core.Export).");

    /// <summary>Appends an equation to the trace of <paramref name="args"/>' first element.</summary>
    private static Tensor Bind(Primitive primitive, EqnParams parameters, params ReadOnlySpan<Tensor> args)
    {
        var trace = args.Length > 0 ? args[0].Recording : CurrentTrace();
        return trace.Bind(primitive, parameters, args);
    }

    /// <summary>A constant of this tensor's trace: <paramref name="value"/> as <paramref name="dtype"/>, shaped
    /// <c>(1, ..., 1)</c> with <paramref name="rank"/> axes so that it broadcasts against any tensor of that rank.</summary>
    private Tensor Scalar(double value, DType dtype, int rank)
    {
        var trace = Recording;
        trace.Own(trace.Resolve(this));
        var shape = Enumerable.Repeat(1, rank).ToArray();
        return trace.AddConstant(NDArray.Full(dtype, value, shape));
    }

    /// <summary>The trace an operation on this tensor records into: the current trace when it closes over tensors of
    /// the enclosing traces (<see cref="TraceContext.Capture"/>) and this is one of them, else this tensor's own.</summary>
    private TraceContext Recording => TraceContext.Current is { Capture: not null } current && current.Encloses(Trace) ? current : Trace;

    /// <summary><paramref name="axis"/> in <c>[0, rank)</c>, counting negative axes from the end.</summary>
    /// <exception cref="ArgumentException">The axis is out of range.</exception>
    private static int NormalizeAxis(int axis, int rank)
    {
        if (axis < -rank || axis >= rank)
            throw new ArgumentException($"axis {axis} is out of bounds for array of dimension {rank}");
        return axis < 0 ? axis + rank : axis;
    }

    /// <summary>Normalized, sorted, distinct axes; null means all axes.</summary>
    /// <exception cref="ArgumentException">An axis is out of range or repeated.</exception>
    private static ImmutableArray<int> NormalizeAxes(int[]? axes, int rank)
    {
        if (axes is null) return [.. Enumerable.Range(0, rank)];
        var normalized = axes.Select(a => NormalizeAxis(a, rank)).Order().ToArray();
        if (normalized.Distinct().Count() != normalized.Length)
            throw new ArgumentException($"repeated axis in {Shapes.Format(axes)}");
        return [.. normalized];
    }
}
