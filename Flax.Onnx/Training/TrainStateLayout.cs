namespace Flax;

/// <summary>
/// Flax's <c>TrainState</c> as a state dict (<c>flax.serialization.to_state_dict</c> of the dataclass): the fields
/// <c>step</c>, <c>params</c>, <c>opt_state</c> (optax's state: named tuples as dicts keyed by field name, tuples and
/// chains keyed <c>"0"</c>, <c>"1"</c>, ..., empty states as empty dicts) and, in subclasses with batch norm,
/// <c>batch_stats</c> (<c>None</c> for a model without). Reading checks the optimizer state against the optimizer's own
/// <see cref="Optimizer.Init"/>; writing fills a layout with new values.
/// </summary>
internal static class TrainStateLayout
{
    internal const string Step = "step";
    internal const string Params = "params";
    internal const string OptState = "opt_state";
    internal const string BatchStats = "batch_stats";

    /// <summary>The train state of a checkpoint tree, its optimizer state checked against <paramref name="optimizer"/>.</summary>
    /// <exception cref="FlaxCheckpointException">A field is missing or has the wrong form, or the optimizer state does
    /// not match the optimizer (the message names the first field that differs).</exception>
    internal static TrainState Restore(VariableDict checkpoint, Optimizer optimizer)
    {
        foreach (var key in new[] { Step, Params, OptState })
            if (!checkpoint.ContainsKey(key))
                throw new FlaxCheckpointException($"The checkpoint is not a Flax TrainState: it has no {CheckpointText.Quote(key)} field (its fields are {Keys(checkpoint)}).");
        long step = StepOf(checkpoint[Step]);
        var parameters = Dict(checkpoint, Params);
        IReadOnlyDictionary<string, object> leaves;
        try
        {
            leaves = parameters.Flatten();
        }
        catch (InvalidOperationException e)
        {
            throw new FlaxCheckpointException($"The checkpoint's params cannot be trained: {e.Message}", e);
        }
        foreach (var (path, leaf) in leaves)
            if (leaf is not NDArray)
                throw new FlaxCheckpointException($"The checkpoint's parameter {CheckpointText.Quote(Params + VariableDict.Separator + path)} is {CheckpointValues.Describe(leaf)}, not an array.");
        var collections = new List<KeyValuePair<string, object>> { new(Params, parameters) };
        if (checkpoint.TryGetValue(BatchStats, out var stats) && stats is not NoneLeaf)
            collections.Add(new(BatchStats, Dict(checkpoint, BatchStats)));
        var optState = Dict(checkpoint, OptState);
        CheckOptState(optimizer, parameters, optState);
        var skeletons = checkpoint.Where(kv => kv.Key is Params or OptState or BatchStats && kv.Value is VariableDict)
            .Select(kv => KeyValuePair.Create(kv.Key, (object)((VariableDict)kv.Value).Map(_ => NoneLeaf.Value)));
        return new TrainState(step, new VariableDict(collections), optState) { Layout = checkpoint.Copy(skeletons) };
    }

    /// <summary>The state dict of <paramref name="state"/>: its layout (when read from a checkpoint) with the new values,
    /// else <c>{step, params, opt_state, batch_stats...}</c> as a jitted JAX run writes it (step an int32 array).</summary>
    internal static VariableDict ToStateDict(TrainState state)
    {
        var layout = state.Layout ?? new VariableDict((Step, NDArray.Scalar(0)), (Params, VariableDict.Empty), (OptState, VariableDict.Empty));
        var items = new List<KeyValuePair<string, object>>();
        foreach (var (key, old) in layout)
        {
            object value = key switch
            {
                Step => StepLike(old, state.Step),
                OptState => Refill(old, state.OptState),
                _ when state.Variables.TryGetValue(key, out var collection) => Refill(old, collection),
                _ => old,
            };
            items.Add(new(key, value));
        }
        items.AddRange(state.Variables.Where(kv => !layout.ContainsKey(kv.Key)));
        return new VariableDict(items);
    }

    /// <summary><paramref name="source"/> in <paramref name="template"/>'s key order, keeping the template's dicts the
    /// source lacks (the empty dicts of stateless optimizer parts, which flattening drops) but not its leaves: a layout
    /// keeps its checkpoint's structure and key order, not its arrays (they are placeholders).</summary>
    internal static object Refill(object template, object source)
    {
        if (template is not VariableDict old || source is not VariableDict fresh) return source;
        var items = new List<KeyValuePair<string, object>>(old.Count);
        foreach (var (key, value) in old)
        {
            if (fresh.TryGetValue(key, out var replacement)) items.Add(new(key, Refill(value, replacement)));
            else if (value is VariableDict) items.Add(new(key, Refill(value, VariableDict.Empty)));
        }
        items.AddRange(fresh.Where(kv => !old.ContainsKey(kv.Key)));
        return new VariableDict(items);
    }

    private static VariableDict Dict(VariableDict checkpoint, string key) => checkpoint[key] as VariableDict
        ?? throw new FlaxCheckpointException($"The checkpoint's TrainState field {CheckpointText.Quote(key)} is {CheckpointValues.Describe(checkpoint[key])}, not a dict.");

    private static long StepOf(object value)
    {
        long? step = value switch
        {
            long n => n,
            int n => n,
            NumpyScalar<long> n => n.Value,
            NDArray { Rank: 0, DType: DType.Int32 } a => a.Item<int>(),
            NDArray { Rank: 0, DType: DType.Int64 } a => a.Item<long>(),
            _ => null,
        };
        return step is >= 0 and <= int.MaxValue ? step.Value
            : throw new FlaxCheckpointException($"The checkpoint's TrainState step is {CheckpointValues.Describe(value)}; it must be a non-negative integer below 2^31 (a Python int or an int32 or int64 scalar).");
    }

    /// <summary><paramref name="step"/> in the kind <paramref name="old"/> had (Python int, numpy int64, int32 array,
    /// ...), widened to 64 bits when it no longer fits 32.</summary>
    private static object StepLike(object old, long step) => old switch
    {
        long => step,
        NumpyScalar<long> => new NumpyScalar<long>(step),
        _ when step is < int.MinValue or > int.MaxValue => NDArray.Scalar(step),
        int => (int)step,
        NDArray { DType: DType.Int64 } => NDArray.Scalar(step),
        _ => NDArray.Scalar((int)step),
    };

    /// <summary>Checks that <paramref name="optState"/> has the structure, shapes and dtypes of
    /// <paramref name="optimizer"/>'s state for <paramref name="parameters"/>.</summary>
    /// <exception cref="FlaxCheckpointException">They differ; the message names the first field that does.</exception>
    internal static void CheckOptState(Optimizer optimizer, VariableDict parameters, VariableDict optState) =>
        Match(optimizer.Init(parameters), optState, OptState);

    private static void Match(VariableDict want, VariableDict got, string path)
    {
        foreach (var (key, wanted) in want)
        {
            string at = path + VariableDict.Separator + key;
            if (!got.TryGetValue(key, out var have))
                throw Mismatch(path, $"the optimizer keeps {CheckpointText.Quote(key)}, which the checkpoint lacks (it has {Keys(got)})");
            if (wanted is VariableDict wantedDict)
            {
                if (have is not VariableDict haveDict)
                    throw Mismatch(at, $"the optimizer keeps a dict, the checkpoint has {CheckpointValues.Describe(have)}");
                Match(wantedDict, haveDict, at);
            }
            else if (have is not NDArray array || wanted is not NDArray expected || array.DType != expected.DType || !array.ShapeSpan.SequenceEqual(expected.ShapeSpan))
                throw Mismatch(at, $"the optimizer keeps {CheckpointValues.Describe(wanted)}, the checkpoint has {CheckpointValues.Describe(have)}");
        }
        foreach (var key in got.Keys)
            if (!want.ContainsKey(key))
                throw Mismatch(path, $"the checkpoint has {CheckpointText.Quote(key)}, which the optimizer does not keep (it keeps {Keys(want)})");
    }

    private static FlaxCheckpointException Mismatch(string path, string problem) =>
        new($"The checkpoint's optimizer state does not match the optimizer at {CheckpointText.Quote(path)}: {problem}.");

    /// <summary>The first keys of a dict for a message (a file's dict may have very many).</summary>
    private static string Keys(VariableDict dict) => dict.Count == 0 ? "none"
        : string.Join(", ", dict.Keys.Take(8).Select(CheckpointText.Quote)) + (dict.Count > 8 ? $", ... ({dict.Count} in all)" : "");
}
