using Flax.Lowering.Proto;

namespace Flax;

/// <summary>Builders for the ONNX protobuf pieces every graph needs: element types, value infos and tensors.</summary>
internal static class OnnxTypes
{
    /// <summary>The name of the dynamic leading axis in every graph we emit.</summary>
    internal const string BatchAxis = "batch";

    /// <summary>The <c>TensorProto.DataType</c> of <paramref name="dtype"/>.</summary>
    internal static TensorProto.Types.DataType DataType(DType dtype) => dtype switch
    {
        DType.Float32 => TensorProto.Types.DataType.Float,
        DType.Float64 => TensorProto.Types.DataType.Double,
        DType.Float16 => TensorProto.Types.DataType.Float16,
        DType.BFloat16 => TensorProto.Types.DataType.Bfloat16,
        DType.Int8 => TensorProto.Types.DataType.Int8,
        DType.Int16 => TensorProto.Types.DataType.Int16,
        DType.Int32 => TensorProto.Types.DataType.Int32,
        DType.Int64 => TensorProto.Types.DataType.Int64,
        DType.UInt8 => TensorProto.Types.DataType.Uint8,
        DType.UInt16 => TensorProto.Types.DataType.Uint16,
        DType.UInt32 => TensorProto.Types.DataType.Uint32,
        DType.UInt64 => TensorProto.Types.DataType.Uint64,
        DType.Bool => TensorProto.Types.DataType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>A typed graph input or output; a dimension of -1 becomes the symbolic axis <see cref="BatchAxis"/>.</summary>
    internal static ValueInfoProto ValueInfo(string name, DType dtype, ReadOnlySpan<int> shape)
    {
        var dims = new TensorShapeProto();
        foreach (var d in shape)
            dims.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = BatchAxis }
                               : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType(dtype), Shape = dims } },
        };
    }

    /// <summary>A tensor holding <paramref name="value"/>'s bytes inline (<c>raw_data</c>).</summary>
    internal static TensorProto Tensor(string name, NDArray value)
    {
        var tensor = Header(name, value);
        tensor.RawData = Google.Protobuf.ByteString.CopyFrom(value.Bytes);
        return tensor;
    }

    /// <summary>A tensor with <paramref name="value"/>'s name, type and dims but no data yet.</summary>
    internal static TensorProto Header(string name, NDArray value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType(value.DType) };
        foreach (var d in value.ShapeSpan) tensor.Dims.Add(d);
        return tensor;
    }
}
