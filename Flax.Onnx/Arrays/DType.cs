namespace Flax;

/// <summary>
/// The element type of an <c>NDArray</c> or a traced tensor. Mirrors the numpy / JAX dtypes
/// (<c>jnp.float32</c>, <c>jnp.int32</c>, ...); the numpy name is the lower-case member name.
/// </summary>
public enum DType
{
    /// <summary>32-bit IEEE float (<c>float32</c>).</summary>
    Float32,
    /// <summary>64-bit IEEE float (<c>float64</c>).</summary>
    Float64,
    /// <summary>16-bit IEEE half float (<c>float16</c>).</summary>
    Float16,
    /// <summary>16-bit brain float (<c>bfloat16</c>).</summary>
    BFloat16,
    /// <summary>Signed 8-bit integer (<c>int8</c>).</summary>
    Int8,
    /// <summary>Signed 16-bit integer (<c>int16</c>).</summary>
    Int16,
    /// <summary>Signed 32-bit integer (<c>int32</c>).</summary>
    Int32,
    /// <summary>Signed 64-bit integer (<c>int64</c>).</summary>
    Int64,
    /// <summary>Unsigned 8-bit integer (<c>uint8</c>).</summary>
    UInt8,
    /// <summary>Unsigned 16-bit integer (<c>uint16</c>).</summary>
    UInt16,
    /// <summary>Unsigned 32-bit integer (<c>uint32</c>).</summary>
    UInt32,
    /// <summary>Unsigned 64-bit integer (<c>uint64</c>).</summary>
    UInt64,
    /// <summary>Boolean, one byte per element (<c>bool</c>).</summary>
    Bool,
}
