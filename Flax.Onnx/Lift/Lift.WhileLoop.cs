using System.Collections.Immutable;

namespace Flax;

public static partial class Lift
{
    /// <summary>
    /// Flax's <c>lift.while_loop</c> (over <c>jax.lax.while_loop</c>): while <paramref name="condFn"/> gives true, the
    /// carry becomes the result of <paramref name="bodyFn"/>; returns the final carry. <paramref name="carryVariables"/>
    /// collections are loop state (what an iteration writes, the next one and the condition read, and the final values
    /// are published); <paramref name="broadcastVariables"/> collections are read-only inside. The condition may not
    /// change any variable.
    /// </summary>
    /// <remarks>
    /// Both functions are traced once, each on its own, into closed programs, and the loop is one
    /// <see cref="Ir.Primitive.While"/> equation, lowered to an ONNX <c>Loop</c> that runs until the condition is false
    /// (no trip count). As in JAX, the carry (the tensors and the carried variables) must keep its shapes and dtypes,
    /// the loop cannot be differentiated in reverse mode, and variables are created before the loop, not inside it (a
    /// carried collection gaining a variable changes the carry; other collections are read-only inside). The functions
    /// may use tensors of the enclosing traces (JAX's closure conversion: each becomes a const of the loop). Under
    /// <c>vmap</c> a condition that differs per index runs the loop while any index's holds. PRNG sequences are
    /// visible inside only when named by <paramref name="splitRngs"/>: with false the same keys every iteration; with
    /// true, as in Flax, the loop carries an int32 counter <c>i</c> from 0 and the body's base key is
    /// <c>fold_in(key, i)</c>, the condition's <c>fold_in(key, -i)</c>, computed in the graph (threefry as ONNX nodes):
    /// such keys are tensors, drawn with <see cref="Scope.MakeRngTensor"/>; dropout draws its mask from them in the graph,
    /// and a host key (<see cref="Scope.MakeRng"/>) throws <see cref="NotSupportedException"/>.
    /// </remarks>
    /// <param name="condFn">The condition <c>(scope, carry) -> pred</c>; <c>pred</c> is a bool scalar.</param>
    /// <param name="bodyFn">The body <c>(scope, carry) -> carry</c>.</param>
    /// <param name="scope">The scope the functions see.</param>
    /// <param name="init">The initial carry (possibly empty).</param>
    /// <param name="carryVariables">The carried collections (Flax's default <c>False</c>: none).</param>
    /// <param name="broadcastVariables">The read-only collections (Flax's default <c>True</c>: all).</param>
    /// <param name="splitRngs">PRNG sequence filter to whether each iteration gets its own key (default none is
    /// visible).</param>
    /// <returns>The final carry.</returns>
    /// <exception cref="LiftException">The condition does not give a bool scalar, or the body changes the carry's
    /// count, shapes or dtypes (JAX's <c>TypeError</c> texts), or creates a variable.</exception>
    /// <exception cref="ModifyScopeVariableException">The condition writes a variable, or the body writes a broadcast
    /// one.</exception>
    public static Tensor[] WhileLoop(Func<Scope, Tensor[], Tensor> condFn, Func<Scope, Tensor[], Tensor[]> bodyFn, Scope scope,
        Tensor[] init, Filter? carryVariables = null, Filter? broadcastVariables = null, IReadOnlyDictionary<Filter, bool>? splitRngs = null)
    {
        ArgumentNullException.ThrowIfNull(condFn);
        ArgumentNullException.ThrowIfNull(bodyFn);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(init);
        foreach (var c in init) ArgumentNullException.ThrowIfNull(c, nameof(init));
        var splits = (splitRngs ?? new Dictionary<Filter, bool>()).ToArray();
        bool counted = splits.Any(s => s.Value);
        Filter[] filters = [carryVariables ?? Filter.Nothing, broadcastVariables ?? Filter.All];
        return Pack(scope, filters, [filters[0]], [.. splits.Select(s => s.Key)], (scopeFn, repack, groups, rngGroups) =>
        {
            var trace = init.FirstOrDefault()?.Trace ?? TraceContext.Current
                ?? throw new InvalidOperationException("Lift.WhileLoop loops in traced functions: call it inside a function given to Core.Init, Core.Apply or Core.Export.");
            // With a split sequence the loop carries Flax's iteration counter i (int32, from 0) before the carry: the
            // body sees fold_in(key, i), the condition fold_in(key, -i), of each split sequence's base key.
            Tensor? counter = null;
            Tensor Counter() => counter ?? throw new InvalidOperationException("The while_loop counter is read outside the loop's trace.");
            Dictionary<string, LazyRng>[] LoopRngs(bool negate) => [.. rngGroups.Select((group, k) => !splits[k].Value ? group
                : group.ToDictionary(kv => kv.Key, kv =>
                {
                    var (rng, outer) = (kv.Value, kv.Value.Traced);
                    return new LazyRng(rng.Key, rng.Suffix, rng.Separator, () =>
                        (outer?.Invoke() ?? NDArray.From([rng.Key.Hi, rng.Key.Lo], 2)).FoldIn(negate ? -Counter() : Counter()));
                }))];
            Tensor[] User(Tensor[] xs)
            {
                if (!counted) return xs;
                counter = xs[0];
                return xs[1..];
            }
            Tensor[] loopInit = counted ? [trace.AddConstant(NDArray.Scalar(0)), .. init] : init;
            var run = new WhileRun(trace, loopInit, [OuterTensors(trace, groups[0]), groups[1]]);
            var cond = run.Trace((inner, hook) => scopeFn(inner, counted ? LoopRngs(negate: true) : rngGroups, Filter.Nothing, hook), repack, (s, xs) =>
            {
                var pred = condFn(s, User(xs));
                if (pred is null || pred.DType != DType.Bool || pred.Rank != 0)
                    throw new LiftException($"cond_fun must return a boolean scalar, but got output type(s) [{(pred is null ? "None" : $"ShapedArray({pred.Type})")}].");
                return [pred];
            });
            var body = run.Trace((inner, hook) => scopeFn(inner, counted ? LoopRngs(negate: false) : rngGroups, Filter.All, hook), repack, (s, xs) =>
            {
                var carry = User(xs);
                var next = bodyFn(s, carry) ?? throw new UntracedOutputException();
                if (next.Length != carry.Length)
                    throw new LiftException($"while_loop body function carry input and carry output must have equal types, but the body gives {next.Length} carry value(s) for {carry.Length}.");
                for (int k = 0; k < next.Length; k++)
                    if (next[k] is not null && !next[k].Type.Equals(carry[k].Type))
                        throw new LiftException($"while_loop body function carry input and carry output must have equal types, but carry[{k}] is {carry[k].Type} on input and {next[k].Type} on output.");
                return counted ? [Counter() + 1, .. next] : next;
            });
            counter = null;
            if ((cond.Hook.DrawsKeys || body.Hook.DrawsKeys) && scope.Hook is IRngHook rngHook) rngHook.OnKeyDrawn();
            var (carry, carried) = run.Bind(cond, body);
            return (counted ? carry[1..] : carry, new[] { carried });
        }, name: "while_loop");
    }

    /// <summary>Flax's <c>lift.while_loop</c> with a single tensor as the carry; see
    /// <see cref="WhileLoop(Func{Scope, Tensor[], Tensor}, Func{Scope, Tensor[], Tensor[]}, Scope, Tensor[], Filter?, Filter?, IReadOnlyDictionary{Filter, bool}?)"/>.</summary>
    /// <param name="condFn">The condition <c>(scope, carry) -> pred</c>; <c>pred</c> is a bool scalar.</param>
    /// <param name="bodyFn">The body <c>(scope, carry) -> carry</c>.</param>
    /// <param name="scope">The scope the functions see.</param>
    /// <param name="init">The initial carry.</param>
    /// <param name="carryVariables">The carried collections (Flax's default <c>False</c>: none).</param>
    /// <param name="broadcastVariables">The read-only collections (Flax's default <c>True</c>: all).</param>
    /// <param name="splitRngs">PRNG sequence filter to whether each iteration gets its own key (default none is
    /// visible).</param>
    /// <returns>The final carry.</returns>
    /// <exception cref="LiftException">As for the array form.</exception>
    /// <exception cref="ModifyScopeVariableException">As for the array form.</exception>
    public static Tensor WhileLoop(Func<Scope, Tensor, Tensor> condFn, Func<Scope, Tensor, Tensor> bodyFn, Scope scope,
        Tensor init, Filter? carryVariables = null, Filter? broadcastVariables = null, IReadOnlyDictionary<Filter, bool>? splitRngs = null)
    {
        ArgumentNullException.ThrowIfNull(condFn);
        ArgumentNullException.ThrowIfNull(bodyFn);
        ArgumentNullException.ThrowIfNull(init);
        return WhileLoop((s, c) => condFn(s, c[0]), (s, c) => [bodyFn(s, c[0])], scope, [init], carryVariables, broadcastVariables, splitRngs)[0];
    }

    /// <summary>The group with every array leaf (a host array or number written before the loop) made a tensor of
    /// <paramref name="trace"/>, so that it can be loop state.</summary>
    private static VariableDict OuterTensors(TraceContext trace, VariableDict group) =>
        VariableDict.Unflatten(group.Flatten().Select(leaf =>
            KeyValuePair.Create(leaf.Key, HostArrays.FromLeaf(leaf.Value) is { } array ? trace.AddConstant(array) : leaf.Value)));
}
