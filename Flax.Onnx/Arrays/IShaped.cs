namespace Flax;

/// <summary>
/// Anything with a shape and an element type: host arrays (<c>NDArray</c>), traced tensors (<c>Tensor</c>) and
/// abstract specifications (<see cref="TensorSpec"/>). The scope's parameter-shape check compares these.
/// </summary>
public interface IShaped
{
    /// <summary>The dimension sizes; a dynamic dimension (traced batch axis) is -1.</summary>
    int[] Shape { get; }

    /// <summary>The element type.</summary>
    DType DType { get; }
}
