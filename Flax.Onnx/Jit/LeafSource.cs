namespace Flax;

/// <summary>Where a variable in the result of a traced call comes from when the program runs.</summary>
internal abstract record LeafSource
{
    /// <summary>Program output number <paramref name="Index"/> (a value the model computed).</summary>
    internal sealed record Output(int Index) : LeafSource;

    /// <summary>The value fed for parameter <paramref name="Path"/> (a variable passed in or created, unchanged).</summary>
    internal sealed record Parameter(string Path) : LeafSource;

    /// <summary>A value fixed at trace time (a host array or any other non-tensor leaf).</summary>
    internal sealed record Static(object Value) : LeafSource;
}
