namespace Flax;

/// <summary>The row of the current batch a batching cursor is on, shared with the column caches that serve it.</summary>
internal sealed class BatchSlot
{
    /// <summary>The row's index within the batch.</summary>
    public int Index;
}
