using System.Collections.Immutable;

namespace Flax.Ir;

internal static partial class Evaluator
{
    private static HostTensor Transpose(TransposeParams t, HostTensor x, TensorType output)
    {
        var source = new int[x.Shape.Length];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            for (int a = 0; a < index.Length; a++) source[t.Permutation[a]] = index[a];
            return x[source];
        });
    }

    private static HostTensor BroadcastInDim(BroadcastInDimParams b, HostTensor x, TensorType output)
    {
        var source = new int[x.Shape.Length];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            for (int a = 0; a < source.Length; a++) source[a] = x.Shape[a] == 1 ? 0 : index[b.BroadcastDimensions[a]];
            return x[source];
        });
    }

    private static HostTensor Concatenate(AxisParams c, ImmutableArray<HostTensor> parts, TensorType output)
    {
        var source = new int[output.Rank];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            index.CopyTo(source, 0);
            int k = 0;
            while (source[c.Axis] >= parts[k].Shape[c.Axis]) source[c.Axis] -= parts[k++].Shape[c.Axis];
            return parts[k][source];
        });
    }

    private static HostTensor Slice(SliceParams s, HostTensor x, TensorType output)
    {
        var source = new int[output.Rank];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            for (int a = 0; a < source.Length; a++) source[a] = s.Start[a] + index[a] * s.Strides[a];
            return x[source];
        });
    }

    private static HostTensor Pad(PadParams p, HostTensor x, TensorType output)
    {
        var source = new int[output.Rank];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            for (int a = 0; a < source.Length; a++)
            {
                source[a] = index[a] - p.Low[a];
                if (source[a] < 0 || source[a] >= x.Shape[a]) return p.PaddingValue;
            }
            return x[source];
        });
    }

    private static HostTensor Take(AxisParams t, HostTensor x, HostTensor indices, TensorType output)
    {
        int axis = t.Axis, indexRank = indices.Shape.Length;
        var source = new int[x.Shape.Length];
        var position = new int[indexRank];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            for (int a = 0; a < axis; a++) source[a] = index[a];
            for (int a = 0; a < indexRank; a++) position[a] = index[axis + a];
            source[axis] = Wrap(indices[position], x.Shape[axis]);
            for (int a = axis + 1; a < source.Length; a++) source[a] = index[a - 1 + indexRank];
            return x[source];
        });
    }

    private static HostTensor TakeAlongAxis(AxisParams t, HostTensor x, HostTensor indices, TensorType output)
    {
        var source = new int[x.Shape.Length];
        return HostTensor.Build(output.DType, output.Shape, index =>
        {
            index.CopyTo(source, 0);
            source[t.Axis] = Wrap(indices[index], x.Shape[t.Axis]);
            return x[source];
        });
    }

    /// <summary>An index in <c>[-size, size)</c> as a position; others are undefined in the IR and rejected here.</summary>
    private static int Wrap(double index, int size)
    {
        long i = (long)index;
        if (i < -size || i >= size)
            throw new InvalidOperationException($"Index {i} is out of range for an axis of size {size}.");
        return (int)(i < 0 ? i + size : i);
    }
}
