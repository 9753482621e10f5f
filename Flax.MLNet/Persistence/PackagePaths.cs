namespace Flax;

/// <summary>
/// The one rule for a variable path stored in a package (the zip entry <c>variables/</c> + path), shared by the
/// writer and the reader so that a writer never writes what its reader refuses: segments separated by <c>/</c>, none
/// empty, <c>.</c> or <c>..</c>, no <c>\</c>, <c>:</c> or control character (nothing a zip extractor could turn into a
/// path outside its folder), and at most <see cref="MaxDepth"/> segments (trees are built from these names).
/// </summary>
internal static class PackagePaths
{
    /// <summary>The deepest variable path: the nesting limit of <see cref="VariableDict"/> and the checkpoint readers.</summary>
    public const int MaxDepth = VariableDict.MaxDepth;

    /// <summary>The longest variable path, in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>Why <paramref name="path"/> cannot name a variable in a package, or null when it can.</summary>
    public static string? Problem(string path)
    {
        if (path.Length == 0) return "is empty";
        if (path.Length > MaxLength) return $"is {path.Length} characters long, more than {MaxLength}";
        int depth = 1, start = 0;
        for (int i = 0; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                if (path[i] is '\\' or ':' || char.IsControl(path[i])) return $"holds the character {Describe(path[i])}";
                continue;
            }
            var segment = path.AsSpan(start, i - start);
            if (segment.IsEmpty || segment is "." or "..") return $"has the segment '{segment}' at position {start}";
            if (i < path.Length && ++depth > MaxDepth) return $"nests deeper than {MaxDepth} levels";
            start = i + 1;
        }
        return null;
    }

    private static string Describe(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";
}
