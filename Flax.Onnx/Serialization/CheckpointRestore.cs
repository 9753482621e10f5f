namespace Flax;

/// <summary>
/// Fits loaded variables to a target tree (<c>flax.serialization.from_state_dict</c> for nested dicts), collecting
/// every missing key, unexpected key and mismatched leaf before failing.
/// </summary>
internal sealed class CheckpointRestore
{
    private readonly List<string> _missing = [];
    private readonly List<string> _unexpected = [];
    private readonly List<string> _mismatched = [];

    private CheckpointRestore()
    {
    }

    /// <summary>The loaded leaves in the target's structure and order.</summary>
    /// <exception cref="FlaxCheckpointException">The trees differ; the message lists every difference by path.</exception>
    internal static VariableDict Restore(VariableDict target, VariableDict loaded)
    {
        var fit = new CheckpointRestore();
        var restored = fit.Fit(target, loaded, "");
        int problems = fit._missing.Count + fit._unexpected.Count + fit._mismatched.Count;
        if (problems == 0) return restored;
        var lines = fit._missing.Select(path => $"  missing key {CheckpointText.Quote(path)}")
            .Concat(fit._unexpected.Select(path => $"  unexpected key {CheckpointText.Quote(path)}"))
            .Concat(fit._mismatched.Select(line => $"  {line}"));
        throw new FlaxCheckpointException(
            $"The checkpoint does not fit the target variables: {Counted(fit._missing.Count, "missing key")}, " +
            $"{Counted(fit._unexpected.Count, "unexpected key")}, {Counted(fit._mismatched.Count, "mismatched leaf", "mismatched leaves")}.\n" +
            string.Join('\n', lines));
    }

    private VariableDict Fit(VariableDict target, VariableDict loaded, string prefix)
    {
        var items = new List<KeyValuePair<string, object>>(target.Count);
        foreach (var (key, want) in target)
        {
            string path = prefix + key;
            if (!loaded.TryGetValue(key, out var got) || got is NoneLeaf) _missing.Add(path);
            else if (want is VariableDict wantDict && got is VariableDict gotDict) items.Add(new(key, Fit(wantDict, gotDict, path + VariableDict.Separator)));
            else if (Mismatch(want, got) is { } problem) _mismatched.Add($"{CheckpointText.Quote(path)}: {problem}");
            else items.Add(new(key, got));
        }
        // A None (TrainState's batch_stats=None) stands for an absent entry.
        _unexpected.AddRange(loaded.Where(kv => kv.Value is not NoneLeaf && !target.ContainsKey(kv.Key)).Select(kv => prefix + kv.Key));
        return new VariableDict(items);
    }

    /// <summary>Why a loaded leaf cannot stand for a target leaf, or null when it can.</summary>
    private static string? Mismatch(object want, object got)
    {
        if (want is VariableDict || got is VariableDict || (want is IShaped && got is not IShaped))
            return $"{CheckpointValues.Describe(want)} in the target, {CheckpointValues.Describe(got)} in the checkpoint";
        if (want is not IShaped wanted) return null;
        var have = (IShaped)got;
        var problems = new List<string>();
        if (!wanted.Shape.AsSpan().SequenceEqual(have.Shape))
            problems.Add($"shape {Shapes.Format(wanted.Shape)} in the target, {Shapes.Format(have.Shape)} in the checkpoint");
        if (wanted.DType != have.DType)
            problems.Add($"dtype {wanted.DType.Name()} in the target, {have.DType.Name()} in the checkpoint");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static string Counted(int count, string singular, string? plural = null) =>
        $"{count} {(count == 1 ? singular : plural ?? singular + "s")}";
}
