using Microsoft.ML.Data;

/// <summary>A row of houses.csv.</summary>
public sealed class House
{
    [LoadColumn(0)] public float Size { get; set; }

    [LoadColumn(1)] public float Rooms { get; set; }

    [LoadColumn(2)] public float Age { get; set; }

    [LoadColumn(3)] public float Price { get; set; }
}

/// <summary>The regression's prediction.</summary>
public sealed class PricePrediction
{
    public float Score { get; set; }
}

/// <summary>Writes a CSV of synthetic houses: the price grows with size and rooms and falls with age, plus noise.</summary>
internal static class Houses
{
    public static void WriteCsv(string path, int count, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path);
        writer.WriteLine("Size,Rooms,Age,Price");
        for (int i = 0; i < count; i++)
        {
            float size = 40 + 160 * random.NextSingle(), rooms = random.Next(1, 7), age = 60 * random.NextSingle();
            float price = 3 * size + 20 * rooms - age + 10 * random.NextSingle();
            writer.WriteLine(FormattableString.Invariant($"{size},{rooms},{age},{price}"));
        }
    }
}
