using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>A house: three raw features and a price that depends on them (plus noise).</summary>
public sealed class HouseRow
{
    public float Size { get; set; }

    public float Rooms { get; set; }

    public float Age { get; set; }

    public float Price { get; set; }

    /// <summary><paramref name="n"/> houses drawn from a seeded generator.</summary>
    public static HouseRow[] Make(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            float size = 40 + 160 * random.NextSingle(), rooms = random.Next(1, 7), age = 60 * random.NextSingle();
            return new HouseRow { Size = size, Rooms = rooms, Age = age, Price = 3 * size + 20 * rooms - age + 5 * random.NextSingle() };
        }).ToArray();
    }
}

/// <summary>What a scored house reads back.</summary>
public sealed class ScoredHouse
{
    [VectorType(3)]
    public float[] Features { get; set; } = [];

    public float[] Embedding { get; set; } = [];

    public float Score { get; set; }
}

/// <summary>A row of four values that a model may read as a 2 × 2 matrix.</summary>
public sealed class QuadRow
{
    [VectorType(4)]
    public float[] Q { get; set; } = [];
}
