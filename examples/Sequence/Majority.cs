using Flax;
using Microsoft.ML.Data;

/// <summary>The sequence task: does a random bit string of <see cref="Length"/> bits hold more ones than zeros?</summary>
internal static class Majority
{
    public const int Length = 11;

    /// <summary><paramref name="count"/> random sequences <c>(count, Length)</c> of 0/1 floats and their labels (1 = more ones).</summary>
    public static (NDArray Sequences, NDArray Labels, float[][] Rows) Make(int count, int seed)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, Length).Select(_ => (float)random.Next(2)).ToArray()).ToArray();
        var labels = rows.Select(r => r.Sum() * 2 > Length ? 1 : 0).ToArray();
        return (NDArray.From(rows.SelectMany(r => r).ToArray(), count, Length), NDArray.From(labels, count), rows);
    }

    /// <summary>A row of ML.NET's view of the data.</summary>
    public sealed class Row
    {
        [VectorType(Length)]
        [ColumnName("x")]
        public float[] X { get; set; } = [];
    }
}

/// <summary>The model: an LSTM (linen's LSTMCell parameters) scanned over the bits, a dense read-out of its last state.</summary>
internal static class SequenceModel
{
    public const int Hidden = 16;

    public static Tensor Classifier(Scope scope, Tensor x)
    {
        var steps = x.ExpandDims(-1);                                    // (batch, time, 1)
        var carry = Nn.LstmCarry(steps.SliceInDim(0, 1, 1, 1).Squeeze(1), Hidden);
        var (last, _) = Nn.Rnn(scope.Push("rnn"), Nn.LstmCell, steps, carry);
        return Nn.Dense(scope.Push("head"), last[1], 2);
    }
}
