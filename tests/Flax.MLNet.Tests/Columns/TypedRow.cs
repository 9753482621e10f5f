using Microsoft.ML.Data;

namespace Flax.MLNet.Tests;

/// <summary>A row with a vector of each column type a Flax model reads besides Single, and one it does not read.</summary>
public sealed class TypedRow
{
    [VectorType(3)]
    public string[] Words { get; set; } = [];

    [VectorType(3)]
    public uint[] U { get; set; } = [];

    [VectorType(3)]
    public int[] I { get; set; } = [];

    [VectorType(3)]
    public long[] L { get; set; } = [];

    [VectorType(3)]
    public bool[] B { get; set; } = [];

    [VectorType(3)]
    public ushort[] S { get; set; } = [];

    /// <summary>Five rows whose integer values are all below 8 (a valid index into an 8-row table).</summary>
    public static TypedRow[] Make() => [.. Enumerable.Range(0, 5).Select(r => new TypedRow
    {
        Words = [Vocabulary[r % 4], Vocabulary[(r + 2) % 5], Vocabulary[(3 * r) % 5]],
        U = [(uint)r, (uint)(7 - r), (uint)(r * 3 % 8)],
        I = [r, 7 - r, r * 5 % 8],
        L = [7 - r, r, r * 3 % 8],
        B = [r % 2 == 0, r % 3 == 0, true],
        S = [1, 2, 3],
    })];

    public static readonly string[] Vocabulary = ["red", "green", "blue", "cyan", "pink"];
}

/// <summary>A scored row: the model's output.</summary>
public sealed class ScoreRow
{
    public float[] Score { get; set; } = [];
}
