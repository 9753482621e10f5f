namespace Flax;

/// <summary>
/// Reads the model's input columns of the current upstream row into dense batches, one typed buffer per model input
/// with the rows back to back: the layout <see cref="IBatchScorer.Score"/> takes. Each value is copied once, from the
/// column's <see cref="VBuffer{T}"/> into the batch (converted on the way for keys and <c>UInt32</c>); ONNX Runtime
/// then reads the batch in place.
/// </summary>
internal sealed class FeatureReader
{
    private readonly ColumnReader[] _readers;

    /// <summary>Creates a reader of <paramref name="binding"/>'s input columns from <paramref name="upstream"/>.</summary>
    /// <param name="binding">The columns that feed the model.</param>
    /// <param name="upstream">The row or cursor to read; its schema is the binding's input schema.</param>
    /// <param name="capacity">The number of rows a batch holds.</param>
    public FeatureReader(SchemaBinding binding, DataViewRow upstream, int capacity)
    {
        _readers = binding.Signature.Inputs.Select((input, i) =>
            ColumnReader.Create(input, upstream, binding.InputColumns[i], capacity)).ToArray();
        Batches = _readers.Select(r => r.Batch).ToArray();
    }

    /// <summary>The batch buffers, one per model input.</summary>
    public HostBatch[] Batches { get; }

    /// <summary>Copies the upstream row's inputs to row <paramref name="slot"/> of the batches (sparse vectors densified).</summary>
    /// <exception cref="InvalidOperationException">A row's vector does not have its column's size (an in-memory row
    /// whose array is shorter or longer than its <c>VectorType</c> says, or a row of a variable-size column whose
    /// length is not the model's), or a key column holds a missing key (0).</exception>
    public void Read(int slot)
    {
        foreach (var reader in _readers) reader.Read(slot);
    }
}
