namespace Flax;

/// <summary>The distribution a variance-scaling initializer samples from (JAX's <c>distribution</c> string).</summary>
public enum VarianceDistribution
{
    /// <summary><c>"truncated_normal"</c>: a normal truncated to two standard deviations, rescaled to the target variance.</summary>
    TruncatedNormal,
    /// <summary><c>"normal"</c>: a normal with the target variance.</summary>
    Normal,
    /// <summary><c>"uniform"</c>: uniform on <c>[-√(3·variance), √(3·variance))</c>.</summary>
    Uniform,
}
