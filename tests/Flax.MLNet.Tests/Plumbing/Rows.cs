using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>An input row with a pass-through label, text and vector, and two feature columns.</summary>
public sealed class InputRow
{
    public float Label { get; set; }

    public string Name { get; set; } = "";

    [VectorType(3)]
    public float[] A { get; set; } = [];

    [VectorType(2)]
    public float[] B { get; set; } = [];

    [VectorType(3)]
    public double[] Wide { get; set; } = [];

    /// <summary><paramref name="n"/> rows with distinct values derived from the row number.</summary>
    public static InputRow[] Make(int n) => Enumerable.Range(0, n).Select(i => new InputRow
    {
        Label = i,
        Name = $"row {i}",
        A = [i, 0.5f * i, -i],
        B = [1 + i, 2],
        Wide = [i, i, i],
    }).ToArray();
}

/// <summary>What a scored row reads back.</summary>
public sealed class OutputRow
{
    public float Label { get; set; }

    public string Name { get; set; } = "";

    public float[] A { get; set; } = [];

    public float[] Score { get; set; } = [];
}
