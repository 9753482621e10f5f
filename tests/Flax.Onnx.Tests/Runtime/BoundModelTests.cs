using System.Diagnostics;
using static Flax.Tests.Runtime.TracedModels;

namespace Flax.Tests.Runtime;

/// <summary>The model bound to a remembered call's parameters (<see cref="BoundModel"/>): built in the background after
/// <see cref="ApplyState.SpecializeAfter"/> calls with one variables object, right against the host reference, and
/// disposed with the call it belongs to.</summary>
[TestClass]
public sealed class BoundModelTests
{
    private readonly List<TracedModel> _models = [];

    [TestCleanup]
    public void DisposeModels() => _models.ForEach(m => m.Dispose());

    /// <summary>A remembered call of a new model with its created variables (<paramref name="flat"/> overrides the
    /// flattened variables the bound model reads); the model is disposed after the test.</summary>
    private (ApplyState.LastCall Call, VariableDict Variables) Remembered(ApplyState state, IReadOnlyDictionary<string, object>? flat = null)
    {
        var model = NewModel();
        _models.Add(model);
        var variables = Variables(model);
        var call = new ApplyState.LastCall(variables, model, model.Bind(path => model.Traced.Created[path]), flat ?? variables.Flatten());
        state.Remember(call);
        return (call, variables);
    }

    /// <summary>Counts <paramref name="calls"/> calls and waits for the build they start.</summary>
    private static BoundModel? CallAndWait(ApplyState.LastCall call, int calls)
    {
        for (int i = 0; i < calls; i++) call.Bound();
        call.Binding?.Wait();
        return call.Bound();
    }

    [TestMethod]
    public void TheCallThatReachesTheThresholdStartsTheBinding()
    {
        var (call, variables) = Remembered(new ApplyState());
        for (int i = 1; i < ApplyState.SpecializeAfter; i++)
        {
            Assert.IsNull(call.Bound(), $"call {i}");
            Assert.IsNull(call.Binding, $"call {i}");
        }
        Assert.IsNull(call.Bound(), "the build runs in the background");
        Assert.IsNotNull(call.Binding);
        call.Binding.Wait();

        var bound = call.Bound();
        Assert.IsNotNull(bound);
        var x = Batch(5);
        AssertClose(HostMlp(variables, x), bound.TryRun([x])![0]);
        Assert.AreSame(bound, call.Bound());
        call.Release();
    }

    [TestMethod]
    public void ReplacingTheVariablesDisposesTheBoundModel()
    {
        var state = new ApplyState();
        var (call, _) = Remembered(state);
        var bound = CallAndWait(call, ApplyState.SpecializeAfter);
        Assert.IsNotNull(bound);

        var (next, nextVariables) = Remembered(state); // what a call with another variables object does
        var x = Batch(3);
        Assert.IsNull(bound.TryRun([x]), "a run after the release falls back to the fed model");
        Assert.IsNull(call.Bound());
        Assert.IsNull(next.Bound(), "the new variables start their own count");
        AssertClose(HostMlp(nextVariables, x), next.Model.Run([x], next.Parameters)[0]);
        next.Release();
    }

    [TestMethod]
    public void ABindingThatEndsAfterTheReleaseIsDisposed()
    {
        var (call, _) = Remembered(new ApplyState());
        for (int i = 0; i < ApplyState.SpecializeAfter; i++) call.Bound();
        call.Release(); // usually before the background build has finished
        call.Binding!.Wait();
        Assert.IsNull(call.Bound());
    }

    [TestMethod]
    public void ABindingThatFailsLeavesTheFedModelAndTracesAWarning()
    {
        using var listener = new Warnings();
        var model = NewModel();
        var flat = new Dictionary<string, object>(Variables(model).Flatten()) { ["params/hidden/kernel"] = NDArray.Zeros(DType.Int32, 2) };
        model.Dispose();
        var (call, variables) = Remembered(new ApplyState(), flat);
        Assert.IsNull(CallAndWait(call, ApplyState.SpecializeAfter));
        Assert.IsTrue(listener.Messages.Any(m => m.StartsWith("Flax: could not compile the parameters into the model, running it with fed parameters: ", StringComparison.Ordinal)),
            string.Join(" | ", listener.Messages));
        var x = Batch(2);
        AssertClose(HostMlp(variables, x), call.Model.Run([x], call.Parameters)[0]);
        call.Release();
    }

    [TestMethod]
    public void CoreApplyGivesTheReferenceBeforeAndAfterBindingAndForOtherVariables()
    {
        var model = NewModel();
        var variables = Variables(model);
        var other = Scaled(variables, 0.5f);
        var apply = Core.Apply(Mlp, device: Device.Cpu);
        var x = Batch(6);
        for (int i = 0; i < 3 * ApplyState.SpecializeAfter; i++)
        {
            AssertClose(HostMlp(variables, x), apply(variables, x));
            if (i == ApplyState.SpecializeAfter) Thread.Sleep(200); // let the build finish, so that later calls run it
        }
        AssertClose(HostMlp(other, x), apply(other, x));
        AssertClose(HostMlp(variables, x), apply(variables, x));
        model.Dispose();
    }

    /// <summary>Collects the trace warnings written while it lives.</summary>
    private sealed class Warnings : TraceListener
    {
        private readonly List<string> _messages = [];

        public Warnings() => Trace.Listeners.Add(this);

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages) return [.. _messages];
            }
        }

        public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? message)
        {
            if (eventType == TraceEventType.Warning && message is not null)
                lock (_messages) _messages.Add(message);
        }

        public override void Write(string? message) { }

        public override void WriteLine(string? message) { }

        protected override void Dispose(bool disposing)
        {
            Trace.Listeners.Remove(this);
            base.Dispose(disposing);
        }
    }
}
