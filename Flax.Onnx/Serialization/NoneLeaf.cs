namespace Flax;

/// <summary>
/// Python's <c>None</c> as a checkpoint leaf: the value Flax's <c>TrainState</c> writes for <c>batch_stats=None</c> (a
/// model without batch norm) and for any other unset field. <see cref="FlaxCheckpoint.Read(ReadOnlyMemory{byte})"/>
/// reads msgpack's nil as <see cref="Value"/> and the writer writes it back as nil, so a file round-trips byte for byte;
/// <see cref="FlaxCheckpoint.Restore"/> treats it as an absent entry.
/// </summary>
public sealed class NoneLeaf
{
    private NoneLeaf()
    {
    }

    /// <summary>The one <c>None</c>.</summary>
    public static NoneLeaf Value { get; } = new();

    /// <summary>Python's spelling, <c>None</c>.</summary>
    /// <returns><c>"None"</c>.</returns>
    public override string ToString() => "None";
}
