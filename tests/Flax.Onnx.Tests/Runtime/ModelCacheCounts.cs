using System.Collections;
using System.Reflection;

namespace Flax.Tests.Runtime;

/// <summary>How many models a <see cref="ModelCache"/> holds for one traced function: a test-only view of the cache's
/// keys, read under the cache's own lock.</summary>
internal static class ModelCacheCounts
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo Gate = typeof(ModelCache).GetField("_gate", Private)!;
    private static readonly FieldInfo Entries = typeof(ModelCache).GetField("_entries", Private)!;

    extension(ModelCache cache)
    {
        /// <summary>The number of cached models traced from <paramref name="fn"/> (delegates are equal by method and target).</summary>
        internal int CountOf(Delegate fn)
        {
            lock (Gate.GetValue(cache)!)
                return ((IDictionary)Entries.GetValue(cache)!).Keys.Cast<ITraceKey>().Count(k => k.Function.Equals(fn));
        }

        /// <summary>The number of models traced from <paramref name="fn"/> in <see cref="ModelCache.Shared"/>.</summary>
        internal static int CountFor(Delegate fn) => ModelCache.Shared.CountOf(fn);
    }
}
