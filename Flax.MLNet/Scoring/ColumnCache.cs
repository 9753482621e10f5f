namespace Flax;

/// <summary>
/// Keeps one pass-through column's values for every row of a batch, so that a cursor which has read ahead to score
/// a batch can still serve the columns of the row it is on.
/// </summary>
internal abstract class ColumnCache
{
    /// <summary>Creates the cache for one upstream column, typed by the column's raw type.</summary>
    /// <param name="upstream">The cursor values are read from.</param>
    /// <param name="column">The column, in <paramref name="upstream"/>'s schema.</param>
    /// <param name="capacity">The number of rows a batch holds.</param>
    /// <param name="slot">Where the serving cursor says which row of the batch it is on.</param>
    public static ColumnCache Create(DataViewRow upstream, DataViewSchema.Column column, int capacity, BatchSlot slot)
    {
        var raw = column.Type.RawType;
        var cache = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VBufferCache<>).MakeGenericType(raw.GetGenericArguments()[0])
            : typeof(ValueCache<>).MakeGenericType(raw);
        return (ColumnCache)Activator.CreateInstance(cache, upstream, column, capacity, slot)!;
    }

    /// <summary>Stores the upstream cursor's current value in row <paramref name="slot"/> of the batch.</summary>
    public abstract void Load(int slot);

    /// <summary>A <c>ValueGetter&lt;T&gt;</c> for the row the serving cursor is on.</summary>
    public abstract Delegate Getter { get; }
}
