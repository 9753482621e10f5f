using System.Collections.Concurrent;

namespace Flax.MLNet.Tests;

/// <summary>
/// A managed stand-in for a model, for testing the ML.NET plumbing without ONNX Runtime: output row r is
/// <c>[sum of all inputs of row r, 2 × the first value of input 0 of row r]</c>. Records the size of every batch.
/// </summary>
internal sealed class AffineScorer(params int[] inputSizes) : IBatchScorer
{
    public const int OutputSize = 2;

    public ConcurrentQueue<int> Batches { get; } = new();

    public Device Device => Device.Cpu;

    public int Disposals;

    public void Score(int rows, HostBatch[] batches, float[][] outputs)
    {
        var output = outputs[0];
        ObjectDisposedException.ThrowIf(Disposals > 0, this);
        Batches.Enqueue(rows);
        var inputs = batches.Select(b => ((HostBatch<float>)b).Data).ToArray();
        for (int r = 0; r < rows; r++)
        {
            float sum = 0;
            for (int i = 0; i < inputs.Length; i++)
                for (int j = 0; j < inputSizes[i]; j++) sum += inputs[i][r * inputSizes[i] + j];
            output[r * OutputSize] = sum;
            output[r * OutputSize + 1] = 2 * inputs[0][r * inputSizes[0]];
        }
    }

    /// <summary>The expected output for a row, computed from the row's values directly.</summary>
    public static float[] Expected(params float[][] row) => [row.Sum(v => v.Sum()), 2 * row[0][0]];

    public void Dispose() => Interlocked.Increment(ref Disposals);
}
