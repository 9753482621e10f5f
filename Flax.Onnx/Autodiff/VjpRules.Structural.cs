using System.Collections.Immutable;

namespace Flax;

internal static partial class VjpRules
{
    /// <summary><c>transpose</c>: the inverse permutation.</summary>
    private static Var?[] Transpose(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var permutation = ((TransposeParams)e.Params).Permutation;
        var inverse = new int[permutation.Length];
        for (int i = 0; i < permutation.Length; i++) inverse[permutation[i]] = i;
        return [b.Transpose(ct, inverse)];
    }

    /// <summary><c>broadcast_in_dim</c>: a sum over the new axes and the operand's size-1 axes that were stretched.</summary>
    private static Var?[] BroadcastInDim(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var p = (BroadcastInDimParams)e.Params;
        var operand = e.Inputs[0].Type;
        var stretched = Enumerable.Range(0, operand.Rank)
            .Where(i => operand.Dims[i] == 1 && p.Shape[p.BroadcastDimensions[i]] != 1)
            .Select(i => p.BroadcastDimensions[i]);
        var summed = Enumerable.Range(0, p.Shape.Length).Except(p.BroadcastDimensions).Concat(stretched);
        return [b.Reshape(b.ReduceSum(ct, summed), operand.Dims)];
    }

    /// <summary><c>concatenate</c>: each operand gets its slice of the cotangent.</summary>
    private static Var?[] Concatenate(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        int axis = ((AxisParams)e.Params).Axis, offset = 0;
        var cts = new Var?[e.Inputs.Length];
        for (int i = 0; i < cts.Length; i++)
        {
            int size = e.Inputs[i].Type.Dims[axis];
            if (needed[i]) cts[i] = b.SliceAxis(ct, axis, offset, offset + size);
            offset += size;
        }
        return cts;
    }

    /// <summary><c>slice</c>: the cotangent placed at the sliced positions of zeros.</summary>
    private static Var?[] Slice(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var p = (SliceParams)e.Params;
        return [b.SliceTranspose(ct, e.Inputs[0].Type, [.. p.Start], [.. p.Strides])];
    }

    /// <summary><c>pad</c>: the cotangent with the padding cut away (the padding value is a constant).</summary>
    private static Var?[] Pad(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        var p = (PadParams)e.Params;
        var dims = e.Inputs[0].Type.Dims;
        var limit = Enumerable.Range(0, dims.Length).Select(a => p.Low[a] + dims[a]).ToArray();
        return [b.Slice(ct, [.. p.Low], limit, GradBuilder.Ones(dims.Length))];
    }

    /// <summary>
    /// <c>take</c>: a scatter-add of the cotangent into the operand's shape, written as a contraction with the one-hot
    /// encoding of the indices: <c>ct_x[a, i, b] = sum_j ct[a, j, b] * (indices[j] == i)</c>.
    /// </summary>
    private static Var?[] Take(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        int axis = ((AxisParams)e.Params).Axis;
        var (operand, indices) = (e.Inputs[0].Type, e.Inputs[1]);
        int size = operand.Dims[axis], indexRank = indices.Type.Rank;
        var oneHot = b.Convert(OneHot(b, indices, size), ct.Type.DType);
        var contracting = Enumerable.Range(axis, indexRank).ToImmutableArray();
        var dot = b.Emit(Primitive.DotGeneral, new DotGeneralParams(contracting, [.. Enumerable.Range(0, indexRank)], [], []), ct, oneHot);
        int last = dot.Type.Rank - 1;
        var permutation = Enumerable.Range(0, axis).Append(last).Concat(Enumerable.Range(axis, last - axis));
        return [b.Transpose(dot, permutation), null];
    }

    /// <summary>
    /// <c>take_along_axis</c>: <c>ct_x[..., i, ...] = sum_j ct[..., j, ...] * (indices[..., j, ...] == i)</c>, a product
    /// with the one-hot indices summed over the axis.
    /// </summary>
    private static Var?[] TakeAlongAxis(GradBuilder b, Eqn e, Var ct, bool[] needed)
    {
        int axis = ((AxisParams)e.Params).Axis;
        var (operand, indices) = (e.Inputs[0].Type, e.Inputs[1]);
        int rank = operand.Rank;
        var oneHot = b.Convert(OneHot(b, indices, operand.Dims[axis]), ct.Type.DType);
        var spread = b.Mul(b.Reshape(ct, ct.Type.Dims.Add(1)), oneHot);
        var summed = b.ReduceSum(spread, [axis]);
        var permutation = Enumerable.Range(0, axis).Append(rank - 1).Concat(Enumerable.Range(axis, rank - 1 - axis));
        return [b.Transpose(summed, permutation), null];
    }

    /// <summary>
    /// <c>indices[..., newaxis] == arange(size)</c>: a bool array of the indices' shape plus a last axis of
    /// <paramref name="size"/>, after mapping negative indices to <c>index + size</c>.
    /// </summary>
    private static Var OneHot(GradBuilder b, Var indices, int size)
    {
        var isNegative = b.Emit(Primitive.Lt, EqnParams.None, indices, b.Scalar(0, indices));
        var wrapped = b.Select(isNegative, b.Add(indices, b.Scalar(size, indices)), indices);
        int rank = indices.Type.Rank + 1;
        var shape = GradBuilder.Ones(rank);
        shape[^1] = size;
        var positions = b.Emit(Primitive.Iota, new IotaParams(indices.Type.DType, [.. shape], rank - 1));
        return b.Eq(b.Reshape(wrapped, indices.Type.Dims.Add(1)), positions);
    }
}
