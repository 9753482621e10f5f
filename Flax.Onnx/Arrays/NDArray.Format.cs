using System.Text;

namespace Flax;

public sealed partial class NDArray
{
    private const int LineWidth = 75, SummaryThreshold = 1000, EdgeItems = 3;

    /// <summary>
    /// The elements as numpy's <c>str(array)</c> prints them with the default print options: nested brackets, aligned
    /// columns, rows wrapped at 75 characters, and arrays over 1000 elements summarized to their first and last three
    /// items per axis with <c>...</c>. For example <c>[[1. 2.]\n [3. 4.]]</c>. Use <see cref="Shape"/> and
    /// <see cref="DType"/> for the rest.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        if (Size == 0) return "[]";
        if (Rank == 0) return ElementFormat.FormatScalar(DType, GetDouble(0), IsIntegral ? GetInteger(0) : 0);
        bool summarize = Size > SummaryThreshold;
        var shown = ShownIndices(summarize).ToList();
        var format = new ElementFormat(DType, shown.Select(GetDouble).ToList(), IsIntegral ? shown.Select(GetInteger).ToList() : []);
        return Format(format, summarize, axis: 0, offset: 0, hangingIndent: " ", width: LineWidth);
    }

    private bool IsIntegral => !DType.IsFloat();

    private long Stride(int axis)
    {
        long stride = 1;
        for (int i = axis + 1; i < Rank; i++) stride *= _shape[i];
        return stride;
    }

    /// <summary>The positions printed along one axis: all, or the edge items when summarizing.</summary>
    private IEnumerable<int> Positions(int axis, bool summarize)
    {
        int n = _shape[axis];
        if (!summarize || n <= 2 * EdgeItems) return Enumerable.Range(0, n);
        return Enumerable.Range(0, EdgeItems).Concat(Enumerable.Range(n - EdgeItems, EdgeItems));
    }

    private IEnumerable<long> ShownIndices(bool summarize, int axis = 0, long offset = 0)
    {
        if (axis == Rank) return [offset];
        return Positions(axis, summarize).SelectMany(p => ShownIndices(summarize, axis + 1, offset + p * Stride(axis)));
    }

    /// <summary>numpy's <c>_formatArray</c> recursion (separator ' ', hanging indent, summary insert <c>...</c>).</summary>
    private string Format(ElementFormat format, bool summarize, int axis, long offset, string hangingIndent, int width)
    {
        if (axis == Rank)
        {
            long i = offset;
            return format.Format(GetDouble(i), IsIntegral ? GetInteger(i) : 0);
        }
        string nextIndent = hangingIndent + " ";
        int nextWidth = width - 1;
        int n = _shape[axis];
        bool gap = summarize && n > 2 * EdgeItems;
        var positions = Positions(axis, summarize).ToList();
        var text = new StringBuilder();
        if (axis == Rank - 1)
        {
            string line = hangingIndent;
            for (int k = 0; k < positions.Count; k++)
            {
                if (gap && k == EdgeItems) line = ExtendLine(text, line, "...", width - 1, hangingIndent) + " ";
                string word = Format(format, summarize, axis + 1, offset + positions[k] * Stride(axis), nextIndent, nextWidth);
                line = ExtendLine(text, line, word, width - 1, hangingIndent);
                if (k < positions.Count - 1) line += " ";
            }
            text.Append(line);
        }
        else
        {
            string separator = new('\n', Rank - axis - 1);
            for (int k = 0; k < positions.Count; k++)
            {
                if (gap && k == EdgeItems) text.Append(hangingIndent).Append("...").Append(separator);
                text.Append(hangingIndent)
                    .Append(Format(format, summarize, axis + 1, offset + positions[k] * Stride(axis), nextIndent, nextWidth));
                if (k < positions.Count - 1) text.Append(separator);
            }
        }
        return "[" + text.ToString(hangingIndent.Length, text.Length - hangingIndent.Length) + "]";
    }

    /// <summary>numpy's <c>_extendLine</c>: starts a new line when the word would pass the width (unless the line is empty).</summary>
    private static string ExtendLine(StringBuilder text, string line, string word, int width, string hangingIndent)
    {
        if (line.Length + word.Length > width && line.Length > hangingIndent.Length)
        {
            text.Append(line.TrimEnd()).Append('\n');
            line = hangingIndent;
        }
        return line + word;
    }
}
