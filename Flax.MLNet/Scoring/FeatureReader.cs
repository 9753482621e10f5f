namespace Flax;

/// <summary>
/// Reads the model's input columns of the current upstream row into dense float batches, one buffer per model
/// input with the rows back to back: the layout <see cref="IBatchScorer.Score"/> takes.
/// </summary>
internal sealed class FeatureReader
{
    private readonly ValueGetter<VBuffer<float>>[] _getters;
    private readonly int[] _sizes;
    private readonly string[] _names;
    private VBuffer<float> _scratch;

    /// <summary>Creates a reader of <paramref name="binding"/>'s input columns from <paramref name="upstream"/>.</summary>
    /// <param name="binding">The columns that feed the model.</param>
    /// <param name="upstream">The row or cursor to read; its schema is the binding's input schema.</param>
    /// <param name="capacity">The number of rows a batch holds.</param>
    public FeatureReader(SchemaBinding binding, DataViewRow upstream, int capacity)
    {
        var inputs = binding.Signature.Inputs;
        _getters = binding.InputColumns.Select(upstream.GetGetter<VBuffer<float>>).ToArray();
        _sizes = inputs.Select(i => i.Size).ToArray();
        _names = inputs.Select(i => i.ColumnName).ToArray();
        Batches = _sizes.Select(size => new float[capacity * size]).ToArray();
    }

    /// <summary>The batch buffers, one per model input.</summary>
    public float[][] Batches { get; }

    /// <summary>Copies the upstream row's inputs to row <paramref name="slot"/> of the batches (sparse vectors densified).</summary>
    /// <exception cref="InvalidOperationException">A row's vector does not have its column's size (an in-memory row
    /// whose array is shorter or longer than its <c>VectorType</c> says).</exception>
    public void Read(int slot)
    {
        for (int i = 0; i < _getters.Length; i++)
        {
            _getters[i](ref _scratch);
            if (_scratch.Length != _sizes[i])
                throw new InvalidOperationException($"Input column '{_names[i]}' holds a vector of {_scratch.Length} values in " +
                    $"this row, but its type and the Flax model say {_sizes[i]}.");
            _scratch.CopyTo(Batches[i].AsSpan(slot * _sizes[i], _sizes[i]));
        }
    }
}
