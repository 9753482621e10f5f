namespace Flax.Tests.Serialization;

/// <summary>Random variable trees for the writer/reader round trip, with keys the writers must refuse mixed in:
/// <c>/</c> and empty keys, unpaired surrogates, the chunked-array and metadata markers, and deep nesting.</summary>
internal static class RandomTrees
{
    private static readonly string[] OddKeys = ["", "a/b", "\ud800", "__msgpack_chunked_array__", "__metadata__", "é", "0"];
    private static readonly DType[] DTypes = Enum.GetValues<DType>();

    internal static VariableDict Next(System.Random random, bool arraysOnly)
    {
        int depth = random.Next(20) == 0 ? VariableDict.MaxDepth - 1 : random.Next(1, 4);
        return Tree(random, depth, arraysOnly);
    }

    private static VariableDict Tree(System.Random random, int depth, bool arraysOnly)
    {
        var items = new List<KeyValuePair<string, object>>();
        int count = random.Next(depth > 4 ? 1 : 0, 4);
        for (int i = 0; i < count; i++)
        {
            string key = random.Next(30) == 0 ? OddKeys[random.Next(OddKeys.Length)] : $"k{i}";
            if (items.Any(item => item.Key == key)) continue;
            // A deep tree is a chain (one subtree per level), so its size stays linear in its depth.
            bool subtree = depth > 1 && (depth > 4 ? i == 0 : random.Next(2) == 0);
            object value = subtree ? Tree(random, depth - 1, arraysOnly) : Leaf(random, arraysOnly);
            items.Add(KeyValuePair.Create(key, value));
        }
        return new VariableDict(items);
    }

    private static object Leaf(System.Random random, bool arraysOnly)
    {
        switch (arraysOnly ? 0 : random.Next(5))
        {
            case 0:
                var dtype = DTypes[random.Next(DTypes.Length)];
                int[] shape = random.Next(40) == 0 ? [.. Enumerable.Repeat(1, 65)] : [.. Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(4))];
                var bytes = new byte[shape.Aggregate(1, (a, d) => a * d) * dtype.ItemSize()];
                random.NextBytes(bytes);
                if (dtype == DType.Bool) for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
                return NDArray.FromBytes(dtype, shape, bytes);
            case 1: return (long)random.Next();
            case 2: return random.NextDouble();
            case 3: return random.Next(2) == 0;
            default: return random.Next(30) == 0 ? "\udc00" : $"s{random.Next(100)}";
        }
    }
}
