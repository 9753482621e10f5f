using Microsoft.ML.OnnxRuntime.Tensors;

namespace Flax;

/// <summary>The correspondence between <see cref="DType"/> and ONNX Runtime's tensor element types.</summary>
internal static class OrtTypes
{
    /// <summary>ONNX Runtime's element type for <paramref name="dtype"/>.</summary>
    internal static TensorElementType ElementType(DType dtype) => dtype switch
    {
        DType.Float32 => TensorElementType.Float,
        DType.Float64 => TensorElementType.Double,
        DType.Float16 => TensorElementType.Float16,
        DType.BFloat16 => TensorElementType.BFloat16,
        DType.Int8 => TensorElementType.Int8,
        DType.Int16 => TensorElementType.Int16,
        DType.Int32 => TensorElementType.Int32,
        DType.Int64 => TensorElementType.Int64,
        DType.UInt8 => TensorElementType.UInt8,
        DType.UInt16 => TensorElementType.UInt16,
        DType.UInt32 => TensorElementType.UInt32,
        DType.UInt64 => TensorElementType.UInt64,
        DType.Bool => TensorElementType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>The dtype of an ONNX Runtime element type.</summary>
    /// <exception cref="NotSupportedException">The element type has no dtype (strings, complex numbers, 8-bit floats).</exception>
    internal static DType ToDType(TensorElementType type) => type switch
    {
        TensorElementType.Float => DType.Float32,
        TensorElementType.Double => DType.Float64,
        TensorElementType.Float16 => DType.Float16,
        TensorElementType.BFloat16 => DType.BFloat16,
        TensorElementType.Int8 => DType.Int8,
        TensorElementType.Int16 => DType.Int16,
        TensorElementType.Int32 => DType.Int32,
        TensorElementType.Int64 => DType.Int64,
        TensorElementType.UInt8 => DType.UInt8,
        TensorElementType.UInt16 => DType.UInt16,
        TensorElementType.UInt32 => DType.UInt32,
        TensorElementType.UInt64 => DType.UInt64,
        TensorElementType.Bool => DType.Bool,
        _ => throw new NotSupportedException($"ONNX Runtime returned a {type} tensor, which has no dtype here."),
    };
}
