namespace Flax;

/// <summary>The <see cref="IRowToRowMapper"/> of a <see cref="FlaxTransformer"/>: maps a row to a <see cref="ScoredRow"/>.</summary>
internal sealed class FlaxRowMapper(SchemaBinding binding, IBatchScorer scorer) : IRowToRowMapper
{
    /// <inheritdoc/>
    public DataViewSchema InputSchema => binding.InputSchema;

    /// <inheritdoc/>
    public DataViewSchema OutputSchema => binding.OutputSchema;

    /// <inheritdoc/>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        binding.Dependencies(dependingColumns);

    /// <inheritdoc/>
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new ScoredRow(binding, input, scorer, binding.Scores(activeColumns));
}
