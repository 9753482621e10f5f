namespace Flax;

/// <summary>
/// A cache for a vector column. Getters may hand out buffers they reuse, so each value is copied into buffers the
/// cache owns, and copied again to the consumer.
/// </summary>
internal sealed class VBufferCache<T> : ColumnCache
{
    private readonly ValueGetter<VBuffer<T>> _upstream;
    private readonly VBuffer<T>[] _values;
    private VBuffer<T> _scratch;

    /// <summary>Creates the cache; see <see cref="ColumnCache.Create"/>.</summary>
    public VBufferCache(DataViewRow upstream, DataViewSchema.Column column, int capacity, BatchSlot slot)
    {
        _upstream = upstream.GetGetter<VBuffer<T>>(column);
        _values = new VBuffer<T>[capacity];
        Getter = (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[slot.Index].CopyTo(ref value));
    }

    /// <inheritdoc/>
    public override void Load(int slot)
    {
        _upstream(ref _scratch);
        _scratch.CopyTo(ref _values[slot]);
    }

    /// <inheritdoc/>
    public override Delegate Getter { get; }
}
