using System.Globalization;
using System.Text;

namespace Flax;

/// <summary>
/// The text table <c>Core.Tabulate</c> prints: one row per variable (collection, path, shape, dtype, element count,
/// bytes), a total per collection and a grand total, sizes written like Flax's tabulate (<c>1.2 KB</c>).
/// </summary>
internal static class VariableTable
{
    private static readonly string[] Header = ["collection", "path", "shape", "dtype", "count", "bytes"];

    /// <summary>Formats <paramref name="variables"/>.</summary>
    internal static string Format(VariableDict variables)
    {
        var rows = new List<string[]>();
        long totalCount = 0, totalBytes = 0;
        foreach (var group in variables.Flatten().GroupBy(v => v.Key[..v.Key.IndexOf(VariableDict.Separator)]))
        {
            long count = 0, bytes = 0;
            foreach (var (path, leaf) in group)
            {
                var (shape, dtype, n, b) = leaf is NDArray a ? (a.Shape, a.DType.Name(), a.Size, a.Size * a.DType.ItemSize())
                    : (Trees.ShapeOf(leaf), leaf.GetType().Name, 1L, 0L);
                rows.Add([group.Key, path[(group.Key.Length + 1)..], Shapes.Format(shape), dtype, Count(n), Bytes(b)]);
                (count, bytes) = (count + n, bytes + b);
            }
            rows.Add([group.Key, "total", "", "", Count(count), Bytes(bytes)]);
            (totalCount, totalBytes) = (totalCount + count, totalBytes + bytes);
        }
        rows.Add(["total", "", "", "", Count(totalCount), Bytes(totalBytes)]);
        return Render(rows);
    }

    private static string Render(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Append(Header).Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((cell, c) =>
            c >= 4 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        Line(Header);
        Line([.. widths.Select(w => new string('-', w))]);
        foreach (var row in rows)
        {
            if (row[1] == "total" || row[0] == "total") Line([.. widths.Select(w => new string('-', w))]);
            Line(row);
        }
        return text.ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Flax's byte format: <c>196 B</c>, <c>1.2 KB</c>, <c>98.0 MB</c> (powers of 1000).</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1) { value /= 1000; unit++; }
        return unit == 0 ? $"{bytes} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
