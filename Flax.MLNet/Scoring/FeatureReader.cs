namespace Flax;

/// <summary>
/// Reads the model's input columns of the current upstream row into dense float batches, one buffer per model
/// input with the rows back to back: the layout <see cref="IBatchScorer.Score"/> takes.
/// </summary>
internal sealed class FeatureReader
{
    private readonly ValueGetter<VBuffer<float>>[] _getters;
    private readonly int[] _sizes;
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
        Batches = _sizes.Select(size => new float[capacity * size]).ToArray();
    }

    /// <summary>The batch buffers, one per model input.</summary>
    public float[][] Batches { get; }

    /// <summary>Copies the upstream row's inputs to row <paramref name="slot"/> of the batches (sparse vectors densified).</summary>
    public void Read(int slot)
    {
        for (int i = 0; i < _getters.Length; i++)
        {
            _getters[i](ref _scratch);
            _scratch.CopyTo(Batches[i].AsSpan(slot * _sizes[i], _sizes[i]));
        }
    }
}
