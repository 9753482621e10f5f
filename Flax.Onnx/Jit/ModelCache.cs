namespace Flax;

/// <summary>
/// A bounded cache of traced, compiled models (<see cref="Shared"/> is the one behind <c>Core.Apply</c>): one
/// <see cref="TracedModel"/> (one ONNX Runtime session) per key (<see cref="ApplyKey"/>, <see cref="StructureKey"/>),
/// created once even when several threads ask at the same time. A failed trace or compilation is not cached.
/// </summary>
/// <remarks>
/// The cache keeps the <see cref="Capacity"/> most recently used models (keys hold the traced delegate, so a new
/// closure per call makes a new entry per call) and disposes the least recently used one beyond it. Every model it
/// hands out carries a reference the caller returns with <see cref="TracedModel.Release"/>, so an evicted model's
/// session is freed by the last run in flight, never under it; a later request for an evicted key traces it again.
/// </remarks>
internal sealed class ModelCache
{
    /// <summary>The default <see cref="Capacity"/> of <see cref="Shared"/>.</summary>
    internal const int DefaultCapacity = 128;

    private readonly object _gate = new();
    private readonly Dictionary<ITraceKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recent = []; // most recently used first
    private int _capacity;

    /// <summary>Creates an empty cache that keeps at most <paramref name="capacity"/> models.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    internal ModelCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>The process-wide cache behind <c>Core.Apply</c>.</summary>
    internal static ModelCache Shared { get; } = new();

    /// <summary>The most models kept; lowering it evicts (and disposes) the least recently used ones at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    internal int Capacity
    {
        get { lock (_gate) return _capacity; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            List<Entry> evicted;
            lock (_gate)
            {
                _capacity = value;
                evicted = EvictBeyondCapacity();
            }
            DisposeEvicted(evicted);
        }
    }

    /// <summary>The number of models cached now.</summary>
    internal int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>
    /// The model for <paramref name="key"/>, made by <paramref name="create"/> on the first request (or the first after
    /// its eviction), with a reference the caller must return with <see cref="TracedModel.Release"/>.
    /// </summary>
    internal TracedModel GetOrCreate(ITraceKey key, Func<TracedModel> create)
    {
        while (true)
        {
            Entry entry;
            List<Entry> evicted = [];
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out var node))
                {
                    _recent.Remove(node);
                    _recent.AddFirst(node);
                    entry = node.Value;
                }
                else
                {
                    entry = new Entry(key, create);
                    _entries[key] = _recent.AddFirst(entry);
                    evicted = EvictBeyondCapacity();
                }
            }
            DisposeEvicted(evicted);

            TracedModel model;
            try
            {
                model = entry.Model.Value;
            }
            catch
            {
                lock (_gate)
                    if (_entries.TryGetValue(key, out var node) && node.Value == entry) Remove(node);
                throw;
            }
            if (!model.TryAcquire()) continue; // evicted and disposed since the lookup: trace it again
            bool evictedBeforeCreated;
            lock (_gate) evictedBeforeCreated = entry.Evicted;
            // An entry evicted while its model was being made was not disposed by the eviction (there was nothing to
            // dispose yet): drop the cache's reference here; this caller's reference keeps the session for its run.
            if (evictedBeforeCreated) model.Dispose();
            return model;
        }
    }

    /// <summary>Removes the least recently used entries beyond the capacity; the caller disposes them outside the lock.</summary>
    private List<Entry> EvictBeyondCapacity()
    {
        List<Entry> evicted = [];
        while (_entries.Count > _capacity)
        {
            var last = _recent.Last!;
            Remove(last);
            evicted.Add(last.Value);
        }
        return evicted;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recent.Remove(node);
        node.Value.Evicted = true;
    }

    /// <summary>Returns the cache's reference to each evicted model already made; one still being made is released
    /// by the request that made it (<see cref="GetOrCreate"/>). A failed one has nothing to release.</summary>
    private static void DisposeEvicted(List<Entry> evicted)
    {
        foreach (var entry in evicted)
            if (entry.Model.IsValueCreated)
                entry.Model.Value.Dispose();
    }

    /// <summary>One cached model, made on first use.</summary>
    private sealed class Entry(ITraceKey key, Func<TracedModel> create)
    {
        internal ITraceKey Key { get; } = key;

        internal Lazy<TracedModel> Model { get; } = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>Whether the entry has left the cache (guarded by the cache's lock).</summary>
        internal bool Evicted { get; set; }
    }
}
