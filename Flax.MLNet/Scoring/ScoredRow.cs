namespace Flax;

/// <summary>
/// The single-row path behind <see cref="PredictionEngine{TSrc, TDst}"/>: a row over an input row whose output columns
/// score that one row (one run per input position for all of them) in buffers owned by this row, so rows on different threads share
/// nothing but the thread-safe scorer.
/// </summary>
internal sealed class ScoredRow : DataViewRow
{
    private readonly SchemaBinding _binding;
    private readonly DataViewRow _input;
    private readonly IBatchScorer _scorer;
    private readonly bool _scoring;
    private readonly FeatureReader? _features;
    private readonly float[][] _outputs;
    private long _scoredPosition = -1;

    /// <summary>Creates the row.</summary>
    /// <param name="binding">The schema binding; <paramref name="input"/> has its input schema.</param>
    /// <param name="input">The row to score.</param>
    /// <param name="scorer">Runs the model.</param>
    /// <param name="scoring">Whether an output column is active.</param>
    public ScoredRow(SchemaBinding binding, DataViewRow input, IBatchScorer scorer, bool scoring)
    {
        _binding = binding;
        _input = input;
        _scorer = scorer;
        _scoring = scoring;
        _features = scoring ? new FeatureReader(binding, input, capacity: 1) : null;
        _outputs = [.. binding.Signature.Outputs.Select(o => new float[o.Size])];
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema => _binding.OutputSchema;

    /// <inheritdoc/>
    public override long Position => _input.Position;

    /// <inheritdoc/>
    public override long Batch => _input.Batch;

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => _binding.OutputOf(column) >= 0
        ? _scoring
        : _input.IsColumnActive(_binding.InputSchema[column.Index]);

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int output = _binding.OutputOf(column);
        if (output < 0) return _input.GetGetter<TValue>(_binding.InputSchema[column.Index]);
        if (!_scoring) throw Getters.Inactive(column);
        return Getters.Cast<TValue>(column, (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            if (_scoredPosition != _input.Position)
            {
                _features!.Read(0);
                _scorer.Score(1, _features.Batches, _outputs);
                _scoredPosition = _input.Position;
            }
            Getters.Fill(_outputs[output], ref value);
        }));
    }

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
}
