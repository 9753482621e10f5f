namespace Flax;

/// <summary>Renders text taken from an untrusted file (keys, dtype names) safely inside an error message.</summary>
internal static class CheckpointText
{
    private const int MaxLength = 200;

    /// <summary>The path of nested keys as <c>params/Dense_0/kernel</c>, quoted; the root reads <c>the top level</c>.</summary>
    internal static string Path(IEnumerable<string> keys)
    {
        var joined = string.Join('/', keys);
        return joined.Length == 0 ? "the top level" : Quote(joined);
    }

    /// <summary><paramref name="text"/> in double quotes, control characters escaped, cut after 200 characters.</summary>
    internal static string Quote(string text)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (char c in text.Length > MaxLength ? text[..MaxLength] : text)
        {
            if (char.IsControl(c) || c == '"') builder.Append($"\\u{(int)c:x4}");
            else builder.Append(c);
        }
        if (text.Length > MaxLength) builder.Append("...");
        return builder.Append('"').ToString();
    }
}
