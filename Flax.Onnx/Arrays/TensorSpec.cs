namespace Flax;

/// <summary>
/// A shape and dtype without data, like <c>jax.ShapeDtypeStruct</c>. Used to describe model inputs for
/// <c>Core.LazyInit</c>, <c>Core.Export</c> and <c>Core.Tabulate</c>. A dimension of -1 is dynamic (the batch axis).
/// </summary>
public sealed class TensorSpec : IShaped, IEquatable<TensorSpec>
{
    private readonly int[] _shape;

    /// <summary>Creates a spec (<c>jax.ShapeDtypeStruct(shape, dtype)</c>).</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The dimension sizes; -1 marks a dynamic dimension.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A dimension is below -1.</exception>
    public TensorSpec(DType dtype, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        for (int axis = 0; axis < shape.Length; axis++)
            if (shape[axis] < -1)
                throw new ArgumentException($"Invalid dimension {shape[axis]} at axis {axis}: sizes are non-negative, or -1 for a dynamic axis.", nameof(shape));
        DType = dtype;
        _shape = (int[])shape.Clone();
    }

    /// <inheritdoc/>
    public int[] Shape => (int[])_shape.Clone();

    /// <inheritdoc/>
    public DType DType { get; }

    /// <inheritdoc/>
    public bool Equals(TensorSpec? other) => other is not null && DType == other.DType && _shape.AsSpan().SequenceEqual(other._shape);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorSpec);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(DType);
        foreach (var d in _shape) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Prints like JAX: <c>ShapeDtypeStruct(shape=(None, 4), dtype=float32)</c>.</summary>
    public override string ToString() => $"ShapeDtypeStruct(shape={Shapes.Format(_shape)}, dtype={DType.ToString().ToLowerInvariant()})";
}
