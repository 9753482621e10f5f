using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FashionMnist;

/// <summary>
/// Draws the training curves as a PNG (no plotting library): the left panel, titled LOSS, shows the training (red)
/// and validation (orange) loss from 0 to the largest value rounded up to a half; the right one, titled ACCURACY, the
/// training (blue) and validation (green) accuracy from 0.5 to 1. One point per epoch; the horizontal axis is labelled
/// EPOCH with the epoch numbers, the vertical one with values every fifth of the range, grid lines at tenths, and a
/// legend under each panel.
/// </summary>
internal static class CurvePlot
{
    private const int Width = 900, Height = 470, Left = 70, Gap = 90, Right = 20, Top = 44, Bottom = 110, Scale = 2;
    private static readonly (byte, byte, byte) Black = (0, 0, 0);

    internal static void Write(string path, IReadOnlyList<Flax.TrainingProgress> epochs)
    {
        var image = new byte[Width * Height * 3];
        image.AsSpan().Fill(255);
        int panel = (Width - Left - Gap - Right) / 2;
        var left = (X: Left, Y: Top, W: panel, H: Height - Top - Bottom);
        var right = (X: Left + panel + Gap, Y: Top, W: panel, H: Height - Top - Bottom);
        double maxLoss = epochs.Max(e => double.IsNaN(e.ValidationLoss) ? e.Loss : Math.Max(e.Loss, e.ValidationLoss));
        double top = Math.Ceiling(maxLoss * 2) / 2;
        bool validated = !epochs.Any(e => double.IsNaN(e.ValidationLoss));
        Panel(image, left, "LOSS", 0, top, epochs.Count);
        Panel(image, right, "ACCURACY", 0.5, 1, epochs.Count);
        Curve(image, left, epochs.Select(e => e.Loss / top).ToList(), (220, 40, 40));
        Curve(image, left, epochs.Select(e => e.ValidationLoss / top).ToList(), (240, 150, 30));
        Curve(image, right, epochs.Select(e => (e.Accuracy - 0.5) * 2).ToList(), (40, 80, 220));
        Curve(image, right, epochs.Select(e => (e.ValidationAccuracy - 0.5) * 2).ToList(), (30, 160, 60));
        Legend(image, left, (220, 40, 40), validated ? (240, 150, 30) : null);
        Legend(image, right, (40, 80, 220), validated ? (30, 160, 60) : null);
        File.WriteAllBytes(path, Png(image));
    }

    /// <summary>The frame, grid, title, value labels from <paramref name="low"/> to <paramref name="high"/>, and epoch
    /// ticks of one panel.</summary>
    private static void Panel(byte[] image, (int X, int Y, int W, int H) box, string title, double low, double high, int epochs)
    {
        for (int k = 0; k <= 10; k++)
        {
            int y = box.Y + box.H - k * box.H / 10;
            byte shade = k is 0 or 10 ? (byte)0 : (byte)220;
            for (int x = box.X; x <= box.X + box.W; x++) Set(image, x, y, (shade, shade, shade));
            if (k % 2 != 0) continue;
            var label = (low + (high - low) * k / 10).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
            Text(image, box.X - 8 - PixelFont.Width(label, Scale), y - PixelFont.Height(Scale) / 2, label);
        }
        for (int y = box.Y; y <= box.Y + box.H; y++)
        {
            Set(image, box.X, y, Black);
            Set(image, box.X + box.W, y, Black);
        }
        Text(image, box.X + (box.W - PixelFont.Width(title, Scale)) / 2, box.Y - 12 - PixelFont.Height(Scale), title);
        int every = (epochs + 9) / 10;
        for (int i = 0; i < epochs; i++)
        {
            int x = XOf(box, i, epochs);
            for (int y = box.Y + box.H; y < box.Y + box.H + 6; y++) Set(image, x, y, Black);
            if ((i + 1) % every != 0 && i != 0) continue;
            var label = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Text(image, x - PixelFont.Width(label, Scale) / 2, box.Y + box.H + 10, label);
        }
        Text(image, box.X + (box.W - PixelFont.Width("EPOCH", Scale)) / 2, box.Y + box.H + 34, "EPOCH");
    }

    /// <summary>The legend under a panel: a swatch and TRAINING, then (with validation) a swatch and VALIDATION.</summary>
    private static void Legend(byte[] image, (int X, int Y, int W, int H) box, (byte, byte, byte) training, (byte, byte, byte)? validation)
    {
        int y = box.Y + box.H + 70, x = box.X;
        foreach (var (color, name) in new[] { ((byte, byte, byte)?)training, validation }.Zip(["TRAINING", "VALIDATION"]))
        {
            if (color is not { } c) continue;
            for (int dx = 0; dx < 28; dx++)
                for (int dy = -1; dy <= 1; dy++) Set(image, x + dx, y + PixelFont.Height(Scale) / 2 + dy, c);
            Text(image, x + 36, y, name);
            x += 36 + PixelFont.Width(name, Scale) + 30;
        }
    }

    private static void Text(byte[] image, int x, int y, string text) =>
        PixelFont.Draw((px, py) => Set(image, px, py, Black), x, y, text, Scale);

    private static int XOf((int X, int Y, int W, int H) box, int i, int count) =>
        box.X + (count == 1 ? box.W / 2 : i * box.W / (count - 1));

    /// <summary>A polyline of values in [0, 1] (clamped), spread evenly across the panel, 3 pixels thick; nothing
    /// for NaN values (no validation).</summary>
    private static void Curve(byte[] image, (int X, int Y, int W, int H) box, IReadOnlyList<double> values, (byte, byte, byte) color)
    {
        if (values.Any(double.IsNaN)) return;
        (int, int) Point(int i) => (XOf(box, i, values.Count), box.Y + box.H - (int)Math.Round(Math.Clamp(values[i], 0, 1) * box.H));
        for (int i = 0; i < values.Count; i++)
        {
            var (x1, y1) = Point(i);
            var (x0, y0) = i == 0 ? (x1, y1) : Point(i - 1);
            int steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) + 1;
            for (int s = 0; s <= steps; s++)
            {
                int x = x0 + (x1 - x0) * s / steps, y = y0 + (y1 - y0) * s / steps;
                for (int dx = -1; dx <= 1; dx++)
                    for (int dy = -1; dy <= 1; dy++) Set(image, x + dx, y + dy, color);
            }
        }
    }

    private static void Set(byte[] image, int x, int y, (byte R, byte G, byte B) color)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return;
        int at = (y * Width + x) * 3;
        (image[at], image[at + 1], image[at + 2]) = color;
    }

    /// <summary>An 8-bit RGB PNG: signature, IHDR, one zlib IDAT of filter-0 scanlines, IEND.</summary>
    private static byte[] Png(byte[] rgb)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < Height; y++)
        {
            raw.WriteByte(0);
            raw.Write(rgb, y * Width * 3, Width * 3);
        }
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(zlib);

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        (header[8], header[9]) = (8, 2);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    /// <summary>The CRC-32 (IEEE, reflected, as PNG uses it).</summary>
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
