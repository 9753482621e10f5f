namespace Flax;

/// <summary>
/// The one thing the ML.NET plumbing needs from a model: score a batch of rows in one run. Each input is a dense
/// typed batch (<see cref="HostBatch"/>, the model input's dtype) with the rows back to back; the output is written the same way.
/// </summary>
/// <remarks>Implementations are safe to call from several threads at once; the buffers belong to the caller.</remarks>
internal interface IBatchScorer : IDisposable
{
    /// <summary>The device the model runs on.</summary>
    Device Device { get; }

    /// <summary>Runs the model once on <paramref name="rows"/> rows.</summary>
    /// <param name="rows">The number of rows in this batch (the leading, dynamic axis).</param>
    /// <param name="inputs">One buffer per model input, holding at least <c>rows × input size</c> values.</param>
    /// <param name="outputs">One buffer per model output; each receives <c>rows × output size</c> values.</param>
    /// <exception cref="ObjectDisposedException">The scorer was disposed.</exception>
    void Score(int rows, HostBatch[] inputs, float[][] outputs);
}
