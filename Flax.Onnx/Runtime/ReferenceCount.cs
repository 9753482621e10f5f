namespace Flax;

/// <summary>
/// The lock-free reference count of an object that owns native resources (<see cref="OnnxSession"/>,
/// <see cref="PinnedInputs"/>): it starts at 1 (the owner's reference), and once it reaches 0 the resources are freed
/// and no reference can be taken again.
/// </summary>
internal static class ReferenceCount
{
    /// <summary>Takes a reference unless <paramref name="count"/> has reached 0.</summary>
    /// <returns>Whether a reference was taken.</returns>
    internal static bool TryAcquire(ref int count)
    {
        int current;
        do
        {
            current = Volatile.Read(ref count);
            if (current == 0) return false;
        }
        while (Interlocked.CompareExchange(ref count, current + 1, current) != current);
        return true;
    }

    /// <summary>Returns a reference.</summary>
    /// <returns>Whether it was the last one: the caller frees the resources.</returns>
    internal static bool Release(ref int count) => Interlocked.Decrement(ref count) == 0;
}
