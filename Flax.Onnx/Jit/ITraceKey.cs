namespace Flax;

/// <summary>A key of the compiled-model cache (<see cref="ModelCache"/>): equal keys share one ONNX Runtime session.</summary>
internal interface ITraceKey : IEquatable<ITraceKey>
{
    /// <summary>The traced function.</summary>
    Delegate Function { get; }
}
