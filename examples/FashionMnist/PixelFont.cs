namespace FashionMnist;

/// <summary>
/// A 5x7 pixel font of the characters the curve plot writes (digits, '.', space and the capitals of its labels), so
/// the PNG gets tick values, titles and a legend without a drawing library.
/// </summary>
internal static class PixelFont
{
    private const int GlyphWidth = 5, GlyphHeight = 7;

    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['0'] = ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
        ['1'] = ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
        ['2'] = ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
        ['3'] = ["11111", "00010", "00100", "00010", "00001", "10001", "01110"],
        ['4'] = ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
        ['5'] = ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
        ['6'] = ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
        ['7'] = ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
        ['8'] = ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
        ['9'] = ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
        ['.'] = ["00000", "00000", "00000", "00000", "00000", "01100", "01100"],
        [' '] = ["00000", "00000", "00000", "00000", "00000", "00000", "00000"],
        ['A'] = ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
        ['C'] = ["01110", "10001", "10000", "10000", "10000", "10001", "01110"],
        ['D'] = ["11100", "10010", "10001", "10001", "10001", "10010", "11100"],
        ['E'] = ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
        ['G'] = ["01110", "10001", "10000", "10111", "10001", "10001", "01111"],
        ['H'] = ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
        ['I'] = ["01110", "00100", "00100", "00100", "00100", "00100", "01110"],
        ['L'] = ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
        ['N'] = ["10001", "10001", "11001", "10101", "10011", "10001", "10001"],
        ['O'] = ["01110", "10001", "10001", "10001", "10001", "10001", "01110"],
        ['P'] = ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
        ['R'] = ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
        ['S'] = ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
        ['T'] = ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
        ['U'] = ["10001", "10001", "10001", "10001", "10001", "10001", "01110"],
        ['V'] = ["10001", "10001", "10001", "01010", "01010", "00100", "00100"],
        ['Y'] = ["10001", "10001", "01010", "00100", "00100", "00100", "00100"],
    };

    /// <summary>The height of a line of text at <paramref name="scale"/>.</summary>
    internal static int Height(int scale) => GlyphHeight * scale;

    /// <summary>The width of <paramref name="text"/> at <paramref name="scale"/> (one blank column between glyphs).</summary>
    internal static int Width(string text, int scale) => text.Length == 0 ? 0 : (text.Length * (GlyphWidth + 1) - 1) * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>),
    /// each font pixel a <paramref name="scale"/>-sized square set through <paramref name="set"/>.</summary>
    /// <exception cref="ArgumentException">The font has no glyph for a character.</exception>
    internal static void Draw(Action<int, int> set, int x, int y, string text, int scale)
    {
        foreach (var c in text)
        {
            var rows = Glyphs.TryGetValue(c, out var glyph) ? glyph
                : throw new ArgumentException($"The plot font has no glyph for '{c}'.", nameof(text));
            for (int r = 0; r < GlyphHeight; r++)
                for (int col = 0; col < GlyphWidth; col++)
                    if (rows[r][col] == '1')
                        for (int dy = 0; dy < scale; dy++)
                            for (int dx = 0; dx < scale; dx++) set(x + col * scale + dx, y + r * scale + dy);
            x += (GlyphWidth + 1) * scale;
        }
    }
}
