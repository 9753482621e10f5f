using static Flax.Tests.Runtime.TracedModels;

namespace Flax.Tests.Runtime;

/// <summary>The bounded model cache: least-recently-used eviction, runs in flight on evicted models, re-tracing.</summary>
[TestClass]
public sealed class ModelCacheTests
{
    private static readonly Func<Scope, Tensor, Tensor> Function = Mlp;

    [TestMethod]
    public void EvictsTheLeastRecentlyUsedModelBeyondCapacity()
    {
        var cache = new ModelCache(capacity: 2);
        var made = new Dictionary<int, int>();
        TracedModel Get(int id) => cache.GetOrCreate(new Key(Function, id), () =>
        {
            made[id] = made.GetValueOrDefault(id) + 1;
            return NewModel();
        });

        var first = Get(1);
        var second = Get(2);
        Get(1).Release(); // 1 is now the most recently used
        Get(3).Release(); // evicts 2
        Assert.AreEqual(2, cache.Count);
        Assert.AreEqual(2, cache.CountOf(Function));

        // Both holders still run on their models; once they let go, the evicted session is freed and the kept one is not.
        var x = Batch(3);
        AssertClose(HostMlp(Variables(second), x), Run(second, x));
        second.Release();
        Assert.ThrowsExactly<ObjectDisposedException>(() => Run(second, x));
        first.Release();
        AssertClose(HostMlp(Variables(first), x), Run(first, x));

        Get(1).Release();
        Get(3).Release();
        CollectionAssert.AreEquivalent(new Dictionary<int, int> { [1] = 1, [2] = 1, [3] = 1 }, made);
    }

    [TestMethod]
    public void AnEvictedModelFinishesItsRunInFlight()
    {
        var cache = new ModelCache(capacity: 1);
        var model = cache.GetOrCreate(new Key(Function, 1), NewModel); // the reference of a run in flight
        cache.GetOrCreate(new Key(Function, 2), NewModel).Release();   // evicts model 1 and returns the cache's reference
        Assert.AreEqual(1, cache.Count);

        var x = Batch(4);
        AssertClose(HostMlp(Variables(model), x), Run(model, x));
        model.Release(); // the run ends: the last reference frees the session
        Assert.ThrowsExactly<ObjectDisposedException>(() => Run(model, x));
    }

    [TestMethod]
    public void AModelRequestedAfterItsEvictionIsTracedAgain()
    {
        var cache = new ModelCache(capacity: 1);
        int traces = 0;
        TracedModel Make()
        {
            traces++;
            return NewModel();
        }

        var before = cache.GetOrCreate(new Key(Function, 1), Make);
        before.Release();
        cache.GetOrCreate(new Key(Function, 2), NewModel).Release();
        var after = cache.GetOrCreate(new Key(Function, 1), Make);
        try
        {
            Assert.AreEqual(2, traces);
            Assert.AreNotSame(before, after);
            var x = Batch(5);
            AssertClose(HostMlp(Variables(after), x), Run(after, x));
            Assert.AreSame(after, cache.GetOrCreate(new Key(Function, 1), Make));
            after.Release();
            Assert.AreEqual(2, traces);
        }
        finally
        {
            after.Release();
        }
    }

    [TestMethod]
    public void AnApplyFunctionDoesNotReuseAnEvictedModel()
    {
        var model = NewModel();
        var variables = Variables(model);
        var parameters = model.Bind(path => model.Traced.Created[path]);
        var state = new ApplyState();
        state.Remember(new ApplyState.LastCall(variables, model, parameters, variables.Flatten()));
        var x = Batch(2);

        var last = state.TryReuse(variables, [x]);
        Assert.IsNotNull(last);
        AssertClose(HostMlp(variables, x), last.Model.Run([x], last.Parameters)[0]);
        last.Parameters.Release();
        last.Model.Release();

        model.Dispose(); // what eviction does: the next call traces again instead of running a freed session
        Assert.IsNull(state.TryReuse(variables, [x]));
        Assert.IsTrue(parameters.TryAcquire(), "the pinned parameters are still held by the apply function");
        parameters.Release();
    }

    [TestMethod]
    public void LoweringTheCapacityEvictsAtOnce()
    {
        var cache = new ModelCache(capacity: 3);
        var models = Enumerable.Range(1, 3).Select(id => cache.GetOrCreate(new Key(Function, id), NewModel)).ToArray();
        foreach (var model in models) model.Release();
        cache.Capacity = 1;
        Assert.AreEqual(1, cache.Count);
        var x = Batch(2);
        Assert.ThrowsExactly<ObjectDisposedException>(() => Run(models[0], x));
        Assert.ThrowsExactly<ObjectDisposedException>(() => Run(models[1], x));
        AssertClose(HostMlp(Variables(models[2]), x), Run(models[2], x));
    }

    [TestMethod]
    public void AFailedTraceIsNotCached()
    {
        var cache = new ModelCache(capacity: 2);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cache.GetOrCreate(new Key(Function, 1), () => throw new InvalidOperationException("no trace")));
        Assert.AreEqual("no trace", e.Message);
        Assert.AreEqual(0, cache.Count);
        cache.GetOrCreate(new Key(Function, 1), NewModel).Release();
        Assert.AreEqual(1, cache.Count);
    }

    [TestMethod]
    public void CapacityBelowOneThrows()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ModelCache(capacity: 0));
        Assert.AreEqual("capacity ('0') must be greater than or equal to '1'. (Parameter 'capacity')\nActual value was 0.", e.Message);
        var cache = new ModelCache();
        Assert.AreEqual(ModelCache.DefaultCapacity, cache.Capacity);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => cache.Capacity = -1);
        Assert.AreEqual("value ('-1') must be greater than or equal to '1'. (Parameter 'value')\nActual value was -1.", e.Message);
    }

    private static NDArray Run(TracedModel model, NDArray x) => model.Run([x], path => model.Traced.Created[path])[0];

    private sealed record Key(Delegate Function, int Id) : ITraceKey
    {
        public bool Equals(ITraceKey? other) => Equals(other as Key);
    }
}
