namespace Flax.Ir;

/// <summary>
/// The evaluator's array value: a dtype, a concrete shape and C-order elements held as <see cref="double"/>, each
/// already rounded to the dtype (<see cref="Round"/>). Doubles represent float32, float64, int32 and bool exactly, and
/// int64 exactly up to 2^53, which is all a test oracle needs.
/// </summary>
internal sealed class HostTensor
{
    internal HostTensor(DType dtype, int[] shape, double[] data)
    {
        if (data.Length != NDArray.CheckedSize(shape))
            throw new ArgumentException($"{data.Length} elements do not fill shape {Shapes.Format(shape)}.");
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    internal DType DType { get; }

    /// <summary>The concrete sizes (never -1). Not to be modified.</summary>
    internal int[] Shape { get; }

    /// <summary>The elements in C order. Not to be modified after construction.</summary>
    internal double[] Data { get; }

    /// <summary>The element at a full index.</summary>
    internal double this[ReadOnlySpan<int> index] => Data[Offset(Shape, index)];

    /// <summary>The C-order position of <paramref name="index"/> in an array of <paramref name="shape"/>.</summary>
    internal static int Offset(ReadOnlySpan<int> shape, ReadOnlySpan<int> index)
    {
        int offset = 0;
        for (int a = 0; a < shape.Length; a++) offset = offset * shape[a] + index[a];
        return offset;
    }

    /// <summary>
    /// A new array of <paramref name="shape"/> whose element at each index is <paramref name="element"/>(index),
    /// rounded to <paramref name="dtype"/>. Indices are visited in C order; the index span is reused between calls.
    /// </summary>
    internal static HostTensor Build(DType dtype, int[] shape, Func<int[], double> element)
    {
        var data = new double[NDArray.CheckedSize(shape)];
        var index = new int[shape.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = Round(dtype, element(index));
            for (int a = shape.Length - 1; a >= 0 && ++index[a] == shape[a]; a--) index[a] = 0;
        }
        return new HostTensor(dtype, shape, data);
    }

    /// <summary>Visits every index of <paramref name="shape"/> in C order (the span is reused between calls).</summary>
    internal static void ForEachIndex(int[] shape, Action<int[]> visit)
    {
        long count = NDArray.CheckedSize(shape);
        var index = new int[shape.Length];
        for (long i = 0; i < count; i++)
        {
            visit(index);
            for (int a = shape.Length - 1; a >= 0 && ++index[a] == shape[a]; a--) index[a] = 0;
        }
    }

    /// <summary>
    /// <paramref name="value"/> as <paramref name="dtype"/> stores it: float32 rounds to nearest, integers truncate
    /// toward zero and wrap, bool is <c>value != 0</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">The dtype is not float32, float64, int32, int64, uint32 or bool.</exception>
    internal static double Round(DType dtype, double value) => dtype switch
    {
        DType.Float32 => (float)value,
        DType.Float64 => value,
        DType.Int32 => unchecked((int)(long)value),
        DType.Int64 => (long)value,
        DType.UInt32 => unchecked((uint)(long)value),
        DType.Bool => value != 0 ? 1 : 0,
        _ => throw Unsupported(dtype),
    };

    /// <summary>Reads a host array.</summary>
    /// <exception cref="NotSupportedException">The dtype is not float32, float64, int32, int64, uint32 or bool.</exception>
    internal static HostTensor FromNDArray(NDArray array) => new(array.DType, array.Shape, array.DType switch
    {
        DType.Float32 => array.ToArray<float>().Select(x => (double)x).ToArray(),
        DType.Float64 => array.ToArray<double>(),
        DType.Int32 => array.ToArray<int>().Select(x => (double)x).ToArray(),
        DType.Int64 => array.ToArray<long>().Select(x => (double)x).ToArray(),
        DType.UInt32 => array.ToArray<uint>().Select(x => (double)x).ToArray(),
        DType.Bool => array.ToArray<bool>().Select(x => x ? 1.0 : 0.0).ToArray(),
        _ => throw Unsupported(array.DType),
    });

    /// <summary>Converts back to a host array.</summary>
    internal NDArray ToNDArray() => DType switch
    {
        DType.Float32 => NDArray.From(Data.Select(x => (float)x).ToArray(), Shape),
        DType.Float64 => NDArray.From(Data.ToArray(), Shape),
        DType.Int32 => NDArray.From(Data.Select(x => (int)x).ToArray(), Shape),
        DType.Int64 => NDArray.From(Data.Select(x => (long)x).ToArray(), Shape),
        DType.UInt32 => NDArray.From(Data.Select(x => (uint)x).ToArray(), Shape),
        DType.Bool => NDArray.From(Data.Select(x => x != 0).ToArray(), Shape),
        _ => throw Unsupported(DType),
    };

    private static NotSupportedException Unsupported(DType dtype) =>
        new($"The reference evaluator supports float32, float64, int32, int64, uint32 and bool, not {dtype.Name()}.");
}
