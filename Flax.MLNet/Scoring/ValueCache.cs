namespace Flax;

/// <summary>A cache for a column of immutable values (numbers, text, keys): they are stored as they come.</summary>
internal sealed class ValueCache<T> : ColumnCache
{
    private readonly ValueGetter<T> _upstream;
    private readonly T[] _values;

    /// <summary>Creates the cache; see <see cref="ColumnCache.Create"/>.</summary>
    public ValueCache(DataViewRow upstream, DataViewSchema.Column column, int capacity, BatchSlot slot)
    {
        _upstream = upstream.GetGetter<T>(column);
        _values = new T[capacity];
        Getter = (ValueGetter<T>)((ref T value) => value = _values[slot.Index]);
    }

    /// <inheritdoc/>
    public override void Load(int slot) => _upstream(ref _values[slot]);

    /// <inheritdoc/>
    public override Delegate Getter { get; }
}
