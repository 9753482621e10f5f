namespace Flax;

/// <summary>
/// A cursor that reads up to a batch of rows ahead from its upstream cursor, scores them with one model run, and
/// then serves them one at a time. The pass-through columns of the rows read ahead are kept in
/// <see cref="ColumnCache"/>s, since the upstream cursor has moved past them.
/// </summary>
internal sealed class BatchScoringCursor : DataViewRowCursor
{
    private readonly SchemaBinding _binding;
    private readonly DataViewRowCursor _upstream;
    private readonly IBatchScorer _scorer;
    private readonly FeatureReader _features;
    private readonly ColumnCache?[] _caches;
    private readonly ValueGetter<DataViewRowId> _upstreamId;
    private readonly DataViewRowId[] _ids;
    private readonly float[][] _outputs;
    private readonly BatchSlot _slot = new();
    private int _count;
    private long _position = -1;

    /// <summary>Creates the cursor.</summary>
    /// <param name="binding">The schema binding of the view being cursored.</param>
    /// <param name="upstream">The input cursor; the model's input columns and <paramref name="passThrough"/> are active.</param>
    /// <param name="passThrough">The input columns the consumer asked for.</param>
    /// <param name="scorer">Runs the model.</param>
    /// <param name="batchSize">The most rows one model run scores.</param>
    public BatchScoringCursor(SchemaBinding binding, DataViewRowCursor upstream, IEnumerable<DataViewSchema.Column> passThrough,
        IBatchScorer scorer, int batchSize)
    {
        _binding = binding;
        _upstream = upstream;
        _scorer = scorer;
        _features = new FeatureReader(binding, upstream, batchSize);
        _caches = new ColumnCache?[binding.InputSchema.Count];
        foreach (var column in passThrough)
            _caches[column.Index] = ColumnCache.Create(upstream, column, batchSize, _slot);
        _upstreamId = upstream.GetIdGetter();
        _ids = new DataViewRowId[batchSize];
        _outputs = [.. binding.Signature.Outputs.Select(o => new float[batchSize * o.Size])];
        _slot.Index = batchSize;
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema => _binding.OutputSchema;

    /// <inheritdoc/>
    public override long Position => _position;

    /// <inheritdoc/>
    public override long Batch => 0;

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) =>
        _binding.OutputOf(column) >= 0 || _caches[column.Index] is not null;

    /// <inheritdoc/>
    public override bool MoveNext()
    {
        if (_slot.Index + 1 >= _count && !ReadBatch()) return false;
        _slot.Index++;
        _position++;
        return true;
    }

    /// <summary>Reads and scores the next batch; false when the upstream cursor has no rows left.</summary>
    private bool ReadBatch()
    {
        _count = 0;
        while (_count < _ids.Length && _upstream.MoveNext())
        {
            _features.Read(_count);
            foreach (var cache in _caches) cache?.Load(_count);
            _upstreamId(ref _ids[_count]);
            _count++;
        }
        if (_count == 0) return false;
        _scorer.Score(_count, _features.Batches, _outputs);
        _slot.Index = -1;
        return true;
    }

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (_binding.OutputOf(column) is >= 0 and var output)
        {
            var (values, size) = (_outputs[output], _binding.Signature.Outputs[output].Size);
            return Getters.Cast<TValue>(column, (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                Getters.Fill(values.AsSpan(_slot.Index * size, size), ref value)));
        }
        var cache = _caches[column.Index] ?? throw Getters.Inactive(column);
        return Getters.Cast<TValue>(column, cache.Getter);
    }

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = _ids[_slot.Index];

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _upstream.Dispose();
        base.Dispose(disposing);
    }
}
