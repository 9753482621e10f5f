namespace Flax;

/// <summary>
/// A <see cref="Tensor"/> was used outside the trace that created it (JAX's <c>UnexpectedTracerError</c>). Tensors
/// are symbolic values that exist only while <c>Core.Init</c>, <c>Core.Apply</c> or <c>Core.Export</c> traces a
/// function; one kept in a field or closure and used after that call returned, or in another call, lands here. Use
/// the <see cref="NDArray"/> results of those calls instead.
/// </summary>
public sealed class UnexpectedTensorException : FlaxException
{
    internal UnexpectedTensorException(Tensor tensor, bool otherTraceActive)
        : base(otherTraceActive
            ? $"Encountered an unexpected Tensor {tensor.Type}: it belongs to another trace than the current one. A Tensor created while tracing one function (Core.Init, Core.Apply, Core.Export) was kept and used while tracing another; pass values between calls as NDArrays."
            : $"Encountered an unexpected Tensor {tensor.Type}: it was used outside the trace that created it. A Tensor exists only while Core.Init, Core.Apply or Core.Export traces a function; it must not be stored and used after that call returns. Use the NDArray results instead.",
            innerException: null)
    {
    }
}
