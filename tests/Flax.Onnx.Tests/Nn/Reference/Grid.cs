namespace Flax.Tests.Nn.Reference;

/// <summary>Row-major multi-index iteration and flat offsets for the direct-loop references.</summary>
internal static class Grid
{
    /// <summary>Every multi-index of <paramref name="dims"/> in C order (one empty index for rank 0).</summary>
    public static IEnumerable<int[]> Indices(params int[] dims)
    {
        if (dims.Any(d => d == 0)) yield break;
        var index = new int[dims.Length];
        while (true)
        {
            yield return (int[])index.Clone();
            int axis = dims.Length - 1;
            while (axis >= 0 && ++index[axis] == dims[axis]) index[axis--] = 0;
            if (axis < 0) yield break;
        }
    }

    /// <summary>The C-order flat offset of <paramref name="index"/> in an array of shape <paramref name="dims"/>.</summary>
    public static int Offset(int[] dims, params int[] index)
    {
        int flat = 0;
        for (int i = 0; i < dims.Length; i++) flat = flat * dims[i] + index[i];
        return flat;
    }

    /// <summary>The number of elements of <paramref name="dims"/>.</summary>
    public static int Size(int[] dims) => dims.Aggregate(1, (a, d) => a * d);
}
