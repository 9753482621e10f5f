using System.Collections.Concurrent;

namespace Flax;

/// <summary>
/// The process-wide cache of traced, compiled models behind <c>Core.Apply</c>: one <see cref="TracedModel"/> (one
/// ONNX Runtime session) per key (<see cref="ApplyKey"/>, <see cref="StructureKey"/>), created once even when several threads ask at the same time.
/// A failed trace or compilation is not cached. Entries live as long as the process (a model is usually applied many
/// times; the session is the expensive part).
/// </summary>
internal static class ModelCache
{
    private static readonly ConcurrentDictionary<ITraceKey, Lazy<TracedModel>> Entries = new();

    /// <summary>The model for <paramref name="key"/>, made by <paramref name="create"/> on the first request.</summary>
    internal static TracedModel GetOrCreate(ITraceKey key, Func<TracedModel> create)
    {
        var entry = Entries.GetOrAdd(key, _ => new Lazy<TracedModel>(create, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return entry.Value;
        }
        catch
        {
            Entries.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    /// <summary>The number of cached models traced from <paramref name="fn"/> (for tests).</summary>
    internal static int CountFor(Delegate fn) => Entries.Keys.Count(k => k.Function.Equals(fn));
}
